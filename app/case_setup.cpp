#include "app/case_setup.hpp"

#include <petscsys.h>

#include <filesystem>
#include <system_error>

#include "io/case_reader.hpp"

namespace tsvfield::app {
namespace {

std::string join_words(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

void insert_options(const std::string& options, const char* origin) {
  if (options.empty()) return;
  if (PetscOptionsInsertString(nullptr, options.c_str()) != 0) {
    throw InputError(
        {}, std::string("PETSc could not parse the ") + origin + " options '" + options + "'");
  }
}

}  // namespace

io::Case load_case(const CommandLine& line, Progress& progress) {
  progress.step("reading " + line.case_file);
  io::Case the_case = io::read_case_file(line.case_file);
  progress.step("case '" + the_case.name + "' is valid");
  return the_case;
}

void apply_petsc_options(const io::Case& the_case, const CommandLine& line) {
  insert_options(join_words(the_case.petsc_options), "case file's petsc_options");
  insert_options(join_words(line.petsc_options), "command line's PETSc");
}

std::string prepare_output_dir(const io::Case& the_case, const CommandLine& line, MPI_Comm comm) {
  std::string directory = line.output_dir.value_or(the_case.output.directory);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int created = 1;
  std::string reason;
  if (rank == 0) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error || !std::filesystem::is_directory(directory)) {
      created = 0;
      reason = error ? error.message() : "exists and is not a directory";
    }
  }
  MPI_Bcast(&created, 1, MPI_INT, 0, comm);
  if (!created) {
    throw InputError({}, "cannot create the output directory '" + directory + "'" +
                             (reason.empty() ? "" : ": " + reason));
  }
  return directory;
}

}  // namespace tsvfield::app
