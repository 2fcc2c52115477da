#pragma once
// Where an item of the case came from, and the error raised when input is wrong.
// Lives at the bottom of the dependency graph so geometry validation (mesh/),
// material lookup (physics/) and the case reader (io/) report bad input alike:
// "case.yaml:12:7: stack[3].thickness: expected a length, found '5 W'".
#include <stdexcept>
#include <string>

namespace tsvfield {

struct SourceRef {
  std::string file;      // case file path as given on the command line
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // e.g. "stack[2].columns[0].layers[1].tsv_arrays[0].pitch"
};

// Bad input: the driver maps it to exit code 2.
class InputError : public std::runtime_error {
 public:
  InputError(SourceRef where, const std::string& message)
      : std::runtime_error(format(where, message)), where_(std::move(where)) {}
  const SourceRef& where() const { return where_; }

  static std::string format(const SourceRef& where, const std::string& message) {
    std::string text;
    if (!where.file.empty()) {
      text += where.file;
      if (where.line > 0) text += ":" + std::to_string(where.line);
      if (where.column > 0) text += ":" + std::to_string(where.column);
      text += ": ";
    }
    if (!where.key_path.empty()) text += where.key_path + ": ";
    return text + message;
  }

 private:
  SourceRef where_;
};

// A solver did not converge: the driver maps it to exit code 3.
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tsvfield
