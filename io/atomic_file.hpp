#pragma once
// Write-then-rename: every output file is written to "<name>.tmp-<pid>" beside
// its destination and renamed onto it only when complete, so a reader (or a
// rerun after a crash) never sees a half-written result file, and a failed
// write leaves the previous version of the destination untouched.
#include <filesystem>
#include <fstream>
#include <string_view>

namespace tsvfield::io {

// RAII guard for one atomic write. Either write through stream(), or hand
// temp_path() to a library that writes the file by name (VTK), then call
// commit(). If commit() is never reached (an exception, an early return), the
// destructor removes the temporary file and the destination is not touched.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

  // The temporary file opened for binary writing (opened on first call);
  // throws std::runtime_error if it cannot be created.
  std::ofstream& stream();

  // Flushes and syncs the temporary file and renames it onto the destination.
  // Throws std::runtime_error (with the path and the system's reason) if the
  // data could not be written or the temporary file does not exist.
  void commit();

  bool committed() const { return committed_; }

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

// The temporary name used for `final_path`: "<final_path>.tmp-<pid>".
std::filesystem::path temporary_path_for(const std::filesystem::path& final_path);

// Writes `content` to `path` atomically (see AtomicFile).
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace tsvfield::io
