#pragma once
// Transparent huge pages for the whole heap of a program.
//
// Where the kernel gives transparent huge pages only to memory that asks for
// them (/sys/kernel/mm/transparent_hugepage/enabled = "madvise", the common
// default), every malloc'd array is filled 4 KiB page by page, one page fault
// each. On virtual machines a fault is expensive: 28 us measured on the
// benchmark machine, i.e. 7.5 s per GB first touched, which made up most of the
// mesh phase, of creating PETSc vectors and of post-processing. glibc (2.35 and
// later) advises its heap as huge pages (one fault per 2 MiB) when started with
// the tunable glibc.malloc.hugetlb=1 in GLIBC_TUNABLES, and reads tunables only
// when the program starts: so the program restarts itself once with it.
//
// TSVFIELD_HUGE_PAGES=0 in the environment turns this off.
#include <optional>
#include <string>

namespace tsvfield::solver {

// What the decision depends on (read from the process and the system).
struct HugePageEnvironment {
  std::string glibc_version;                // gnu_get_libc_version(), e.g. "2.36"
  std::string thp_mode;                     // contents of .../transparent_hugepage/enabled
  std::optional<std::string> tunables;      // GLIBC_TUNABLES, if set
  std::optional<std::string> switch_value;  // TSVFIELD_HUGE_PAGES, if set
  bool under_valgrind = false;              // VALGRIND_LAUNCHER set (restarting would leave it)
};

// The GLIBC_TUNABLES value to restart with, or nothing when a restart would not
// help: huge pages are already "always" or "never", glibc is too old, the tunable
// is already set (also after the restart: no loop), or it is switched off.
std::optional<std::string> huge_page_tunables(const HugePageEnvironment& environment);

// Call first thing in main(), before MPI or PETSc start. Restarts the program
// (execv of /proc/self/exe with the same arguments and GLIBC_TUNABLES extended)
// when huge_page_tunables() says so; returns if not, or if the restart fails
// (the program then runs as before, only slower).
void restart_with_huge_page_heap(char** argv);

}  // namespace tsvfield::solver
