#include "solver/huge_page_heap.hpp"

#include <gnu/libc-version.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tsvfield::solver {
namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";

std::optional<std::string> environment_value(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

// glibc "major.minor" at least 2.35 (the first with glibc.malloc.hugetlb).
bool glibc_has_hugetlb_tunable(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major > 2 || (major == 2 && minor >= 35);
}

std::string file_text(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::string> huge_page_tunables(const HugePageEnvironment& environment) {
  if (environment.switch_value && *environment.switch_value == "0") return std::nullopt;
  if (environment.under_valgrind) return std::nullopt;
  // "always": the heap gets huge pages anyway; "never": the advice changes nothing.
  if (environment.thp_mode.find("[madvise]") == std::string::npos) return std::nullopt;
  if (!glibc_has_hugetlb_tunable(environment.glibc_version)) return std::nullopt;
  const std::string setting = std::string(kTunable) + "=1";
  if (!environment.tunables || environment.tunables->empty()) return setting;
  if (environment.tunables->find(kTunable) != std::string::npos) return std::nullopt;
  return *environment.tunables + ":" + setting;
}

void restart_with_huge_page_heap(char** argv) {
  HugePageEnvironment environment;
  environment.glibc_version = gnu_get_libc_version();
  environment.thp_mode = file_text("/sys/kernel/mm/transparent_hugepage/enabled");
  environment.tunables = environment_value("GLIBC_TUNABLES");
  environment.switch_value = environment_value("TSVFIELD_HUGE_PAGES");
  environment.under_valgrind = environment_value("VALGRIND_LAUNCHER").has_value();
  const std::optional<std::string> tunables = huge_page_tunables(environment);
  if (!tunables || argv == nullptr || argv[0] == nullptr) return;
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only reached if execv failed: go on without huge pages, environment as it was.
  if (environment.tunables) {
    setenv("GLIBC_TUNABLES", environment.tunables->c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace tsvfield::solver
