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

// The preconditioner defaults tsvfield uses for elliptic problems: BoomerAMG
// tuned for thin layers and large coefficient contrast (docs/verification.md).
// The Krylov method is not set here but by the solve function on its KSP
// (solve_linear_system: CG), so that solves of different kinds can share a
// prefix; `symmetric` is kept for source compatibility and ignored.
void set_elliptic_defaults(const std::string& prefix, bool symmetric);

}  // namespace tsvfield::solver
