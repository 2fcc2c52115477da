#pragma once
// Test helpers: a fresh scratch folder under the test's working directory, and
// whole-file reads and writes.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tsvfield::testing {

// Number of files anywhere below `folder` whose name contains `fragment`.
inline int count_files_containing(const std::filesystem::path& folder,
                                  const std::string& fragment) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.path().filename().string().find(fragment) != std::string::npos) ++count;
  }
  return count;
}

// A folder "<cwd>/scratch_<name>", emptied when created and kept afterwards so a
// failing test's files can be inspected. For serial tests (one process).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::current_path() / ("scratch_" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  const std::filesystem::path& path() const { return path_; }
  int files_containing(const std::string& fragment) const {
    return count_files_containing(path_, fragment);
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace tsvfield::testing
