#pragma once
// Command-line parsing for the tsvfield driver: pure functions, no MPI or PETSc,
// so the grammar is unit-tested on its own.
#include <optional>
#include <string>
#include <vector>

namespace tsvfield::app {

enum class Command { none, run, check, mesh, materials };

struct CommandLine {
  Command command = Command::none;
  bool show_help = false;
  bool show_version = false;
  std::string case_file;
  std::optional<std::string> output_dir;   // --output DIR
  std::vector<std::string> petsc_options;  // everything after "--"
};

// Bad command line: the driver prints the message and the usage, and exits 2.
struct UsageError {
  std::string message;
  Command command = Command::none;
};

// Parses argv[1..]. Throws UsageError.
CommandLine parse_command_line(const std::vector<std::string>& args);

// The help text of one command (Command::none: the overview).
std::string usage_text(Command command);

const char* command_name(Command command);

}  // namespace tsvfield::app
