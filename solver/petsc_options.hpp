#pragma once
// PETSc options database helpers: case-file options that never override the
// command line, and per-problem defaults that any option overrides.
#include <string>
#include <vector>

namespace tsvfield::solver {

// Inserts options given as words ("-ksp_rtol", "1e-10", "-ksp_monitor") into the
// global PETSc options database, skipping any option already set (so the command
// line, parsed by PetscInitialize, wins over the case file).
void insert_options(const std::vector<std::string>& words);

// Sets "-<prefix><name> value" unless the user already set it.
void set_default_option(const std::string& prefix, const std::string& name,
                        const std::string& value);

// The defaults tsvfield uses for elliptic problems: CG + BoomerAMG tuned for
// thin layers and large coefficient contrast (see docs/verification.md).
void set_elliptic_defaults(const std::string& prefix, bool symmetric);

}  // namespace tsvfield::solver
