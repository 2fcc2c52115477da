#pragma once
// PETSc options database helpers: case-file options that never override the
// command line, and per-problem defaults that any option overrides.
#include <petscpc.h>

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

// The BoomerAMG settings tsvfield uses for elliptic problems, tuned for thin
// layers and large coefficient contrast (docs/verification.md). Neither the
// Krylov method nor the preconditioner type is put in the options database: the
// solve function sets them on its objects (set_default_preconditioner), so that
// solves of different kinds can share a prefix and an explicit -<prefix>pc_type
// stays recognisable as the user's; `symmetric` is kept for source compatibility
// and ignored.
void set_elliptic_defaults(const std::string& prefix, bool symmetric);

// Whether the user (command line or case file) chose -<prefix>pc_type.
bool preconditioner_chosen(const std::string& prefix);

// BoomerAMG on `pc` unless the user chose a preconditioner; call before the
// KSP's (SNES's, TS's) SetFromOptions so that options still override.
void set_default_preconditioner(PC pc, const std::string& prefix);

}  // namespace tsvfield::solver
