#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace tsvfield::io {
namespace {

std::runtime_error write_error(const std::filesystem::path& path, const std::string& what,
                               int error_number) {
  std::string message = "cannot " + what + " '" + path.string() + "'";
  if (error_number != 0) message += ": " + std::string(std::strerror(error_number));
  return std::runtime_error(message);
}

// Pushes the file's data to the disk before the rename, so that after a crash the
// destination holds either the old or the complete new content, never an empty file.
void sync_file(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw write_error(path, "open for syncing", errno);
  const int sync_result = ::fsync(descriptor);
  const int sync_errno = errno;
  ::close(descriptor);
  if (sync_result != 0) throw write_error(path, "sync", sync_errno);
}

}  // namespace

std::filesystem::path temporary_path_for(const std::filesystem::path& final_path) {
  std::filesystem::path temp = final_path;
  temp += ".tmp-" + std::to_string(static_cast<long>(::getpid()));
  return temp;
}

AtomicFile::AtomicFile(std::filesystem::path final_path)
    : final_path_(std::move(final_path)), temp_path_(temporary_path_for(final_path_)) {}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (stream_.is_open()) stream_.close();
  std::error_code ignored;  // a destructor must not throw; a missing temp file is fine
  std::filesystem::remove(temp_path_, ignored);
}

std::ofstream& AtomicFile::stream() {
  if (!stream_.is_open()) {
    errno = 0;
    stream_.open(temp_path_, std::ios::binary | std::ios::trunc);
    if (!stream_) throw write_error(temp_path_, "create", errno);
  }
  return stream_;
}

void AtomicFile::commit() {
  if (committed_)
    throw std::logic_error("AtomicFile::commit called twice for " + final_path_.string());
  if (stream_.is_open()) {
    errno = 0;
    stream_.flush();
    stream_.close();
    if (stream_.fail()) throw write_error(temp_path_, "write", errno);
  }
  std::error_code status_error;
  if (!std::filesystem::is_regular_file(temp_path_, status_error)) {
    throw write_error(temp_path_, "find the written temporary file", status_error.value());
  }
  sync_file(temp_path_);
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    throw write_error(final_path_, "rename '" + temp_path_.string() + "' onto", errno);
  }
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  file.commit();
}

}  // namespace tsvfield::io
