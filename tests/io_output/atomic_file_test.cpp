// AtomicFile: the destination appears only complete, and is left untouched when
// a write does not complete.
#include "io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "scratch_dir.hpp"

namespace tsvfield::io {
namespace {

using tsvfield::testing::read_text;
using tsvfield::testing::ScratchDir;

TEST(AtomicFile, TemporaryNameIsDestinationPlusPid) {
  const auto temp = temporary_path_for("out/summary.json");
  EXPECT_EQ(temp.string(), "out/summary.json.tmp-" + std::to_string(::getpid()));
}

TEST(AtomicFile, WritesContentAndLeavesNoTemporary) {
  ScratchDir dir("atomic_write");
  const auto path = dir.path() / "a.txt";
  write_file_atomically(path, "line 1\nline 2\n");
  EXPECT_EQ(read_text(path), "line 1\nline 2\n");
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  ScratchDir dir("atomic_replace");
  const auto path = dir.path() / "a.txt";
  write_file_atomically(path, "old");
  write_file_atomically(path, "new content");
  EXPECT_EQ(read_text(path), "new content");
}

TEST(AtomicFile, UncommittedWriteLeavesDestinationUntouched) {
  ScratchDir dir("atomic_abort");
  const auto path = dir.path() / "a.txt";
  write_file_atomically(path, "previous result");
  try {
    AtomicFile file(path);
    file.stream() << "half of a new res";
    ASSERT_TRUE(std::filesystem::exists(file.temp_path()));
    throw std::runtime_error("solver failed mid-write");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_text(path), "previous result");
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

TEST(AtomicFile, CommitOfFileWrittenByName) {
  // A library such as VTK writes the temporary file by its name.
  ScratchDir dir("atomic_by_name");
  const auto path = dir.path() / "piece.vtu";
  AtomicFile file(path);
  {
    std::ofstream external(file.temp_path());
    external << "<VTKFile/>";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  file.commit();
  EXPECT_TRUE(file.committed());
  EXPECT_EQ(read_text(path), "<VTKFile/>");
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

TEST(AtomicFile, CommitWithoutWrittenFileThrows) {
  ScratchDir dir("atomic_nothing");
  AtomicFile file(dir.path() / "never_written.vtu");
  EXPECT_THROW(file.commit(), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "never_written.vtu"));
}

TEST(AtomicFile, MissingFolderIsReportedWithThePath) {
  ScratchDir dir("atomic_missing_dir");
  const auto path = dir.path() / "no_such_folder" / "a.txt";
  try {
    write_file_atomically(path, "x");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("no_such_folder"), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "no_such_folder"));
}

TEST(AtomicFile, SecondCommitIsALogicError) {
  ScratchDir dir("atomic_twice");
  AtomicFile file(dir.path() / "a.txt");
  file.stream() << "x";
  file.commit();
  EXPECT_THROW(file.commit(), std::logic_error);
}

}  // namespace
}  // namespace tsvfield::io
