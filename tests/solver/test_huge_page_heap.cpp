// The decision to restart a program with glibc's huge-page heap (see
// solver/huge_page_heap.hpp): only where it helps, never twice, never against
// the user's own setting.
#include <gtest/gtest.h>

#include "solver/huge_page_heap.hpp"

namespace tsvfield::solver {
namespace {

HugePageEnvironment madvise_system() {
  HugePageEnvironment environment;
  environment.glibc_version = "2.36";
  environment.thp_mode = "always [madvise] never\n";
  return environment;
}

TEST(HugePageHeap, RestartsWithTheTunableWhereHugePagesAreOnlyAdvised) {
  EXPECT_EQ(huge_page_tunables(madvise_system()), "glibc.malloc.hugetlb=1");
  auto environment = madvise_system();
  environment.tunables = "";
  EXPECT_EQ(huge_page_tunables(environment), "glibc.malloc.hugetlb=1");
}

TEST(HugePageHeap, KeepsOtherTunables) {
  auto environment = madvise_system();
  environment.tunables = "glibc.malloc.arena_max=2";
  EXPECT_EQ(huge_page_tunables(environment), "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugePageHeap, NoRestartWhenTheTunableIsAlreadySet) {
  auto environment = madvise_system();
  environment.tunables = "glibc.malloc.hugetlb=1";  // after the restart
  EXPECT_FALSE(huge_page_tunables(environment));
  environment.tunables = "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0";  // the user's choice
  EXPECT_FALSE(huge_page_tunables(environment));
}

TEST(HugePageHeap, NoRestartWhereItCannotHelp) {
  auto environment = madvise_system();
  environment.thp_mode = "[always] madvise never\n";
  EXPECT_FALSE(huge_page_tunables(environment));
  environment.thp_mode = "always madvise [never]\n";
  EXPECT_FALSE(huge_page_tunables(environment));
  environment.thp_mode = "";  // no transparent huge pages in this kernel
  EXPECT_FALSE(huge_page_tunables(environment));
  environment = madvise_system();
  environment.glibc_version = "2.34";  // no such tunable yet
  EXPECT_FALSE(huge_page_tunables(environment));
  environment.glibc_version = "unknown";
  EXPECT_FALSE(huge_page_tunables(environment));
  environment = madvise_system();
  environment.glibc_version = "3.0";
  EXPECT_TRUE(huge_page_tunables(environment));
}

TEST(HugePageHeap, SwitchedOffOrUnderValgrind) {
  auto environment = madvise_system();
  environment.switch_value = "0";
  EXPECT_FALSE(huge_page_tunables(environment));
  environment.switch_value = "1";
  EXPECT_TRUE(huge_page_tunables(environment));
  environment = madvise_system();
  environment.under_valgrind = true;
  EXPECT_FALSE(huge_page_tunables(environment));
}

}  // namespace
}  // namespace tsvfield::solver
