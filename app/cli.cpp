#include "app/cli.hpp"

#include <array>
#include <utility>

namespace tsvfield::app {
namespace {

constexpr std::array<std::pair<const char*, Command>, 4> kCommands = {{
    {"run", Command::run},
    {"check", Command::check},
    {"mesh", Command::mesh},
    {"materials", Command::materials},
}};

std::optional<Command> find_command(const std::string& word) {
  for (const auto& [name, command] : kCommands) {
    if (word == name) return command;
  }
  return std::nullopt;
}

bool takes_case_file(Command command) {
  return command == Command::run || command == Command::check || command == Command::mesh;
}

bool takes_output_dir(Command command) {
  return command == Command::run || command == Command::mesh;
}

}  // namespace

const char* command_name(Command command) {
  for (const auto& [name, candidate] : kCommands) {
    if (candidate == command) return name;
  }
  return "";
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  std::size_t index = 0;
  for (; index < args.size(); ++index) {
    const std::string& word = args[index];
    if (word == "--") {
      line.petsc_options.assign(args.begin() + static_cast<long>(index) + 1, args.end());
      break;
    }
    if (word == "--help" || word == "-h") {
      line.show_help = true;
    } else if (word == "--version") {
      line.show_version = true;
    } else if (word == "--output" || word == "-o") {
      if (!takes_output_dir(line.command)) {
        throw UsageError{"'" + word + "' is an option of 'run' and 'mesh' only", line.command};
      }
      if (index + 1 >= args.size())
        throw UsageError{"'" + word + "' needs a directory", line.command};
      line.output_dir = args[++index];
    } else if (word.rfind("--output=", 0) == 0 && takes_output_dir(line.command)) {
      line.output_dir = word.substr(9);
    } else if (!word.empty() && word[0] == '-') {
      throw UsageError{"unknown option '" + word + "' (PETSc options go after '--')", line.command};
    } else if (line.command == Command::none) {
      auto command = find_command(word);
      if (!command) throw UsageError{"unknown command '" + word + "'", Command::none};
      line.command = *command;
    } else if (takes_case_file(line.command) && line.case_file.empty()) {
      line.case_file = word;
    } else {
      throw UsageError{"unexpected argument '" + word + "'", line.command};
    }
  }
  if (line.show_help || line.show_version) return line;
  if (line.command == Command::none) throw UsageError{"no command given", Command::none};
  if (takes_case_file(line.command) && line.case_file.empty()) {
    throw UsageError{std::string("'") + command_name(line.command) + "' needs a case file",
                     line.command};
  }
  return line;
}

std::string usage_text(Command command) {
  switch (command) {
    case Command::run:
      return "usage: tsvfield run CASE.yaml [--output DIR] [-- PETSc options]\n"
             "\n"
             "Meshes the stack, runs every analysis of the case and writes the results into DIR\n"
             "(default: the case's output.directory, else results/<case name>): ParaView files\n"
             "(.pvtu, one piece per rank, .pvd for series), summary.json, CSV tables, the "
             "resolved\n"
             "case and run metadata. Run it in parallel with mpiexec -n N.\n"
             "PETSc options (e.g. -thermal_ksp_monitor, -log_view) go after '--'; the case's\n"
             "petsc_options come first, so the command line wins.\n";
    case Command::check:
      return "usage: tsvfield check CASE.yaml\n"
             "\n"
             "Validates the case (schema, units, materials, geometry) without solving, and prints\n"
             "the resolved stack: every layer with its z-range, thickness, material, TSV and bump\n"
             "counts, the total power and the size of the mesh it would build.\n";
    case Command::mesh:
      return "usage: tsvfield mesh CASE.yaml [--output DIR]\n"
             "\n"
             "Builds the distributed hexahedral mesh, prints its statistics (cells, nodes, "
             "material\n"
             "volumes against the exact geometry, element quality, time per phase, memory) and "
             "writes\n"
             "it for ParaView as DIR/mesh.pvtu with cell fields material, layer, conductor, "
             "rank.\n";
    case Command::materials:
      return "usage: tsvfield materials\n"
             "\n"
             "Prints the built-in material library with values at 300 K and at 4 K, and the\n"
             "sources of the data.\n";
    case Command::none:
      break;
  }
  return "usage: tsvfield COMMAND [options] [-- PETSc options]\n"
         "\n"
         "Finite-element field solver for 3D stacked-die packages with through-silicon vias.\n"
         "\n"
         "commands:\n"
         "  run CASE [--output DIR]    mesh, solve and write results\n"
         "  check CASE                 validate a case and print the resolved stack\n"
         "  mesh CASE [--output DIR]   build the mesh, print statistics, write it for ParaView\n"
         "  materials                  print the material library (300 K and 4 K values)\n"
         "\n"
         "options:\n"
         "  --help                     this text, or a command's (tsvfield run --help)\n"
         "  --version                  the version\n"
         "\n"
         "exit codes: 0 success, 2 bad input, 3 a solver did not converge, 1 internal error\n";
}

}  // namespace tsvfield::app
