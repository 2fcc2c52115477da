#pragma once
// Preconditioned CG that takes A z from the preconditioner when it can.
//
// Each CG iteration applies the preconditioner (z = M^-1 r) and then multiplies the
// search direction by A. With the column multigrid (solver/column_multigrid), the last
// thing the preconditioner does is a backward line sweep over the finest matrix, which
// can leave A z behind at no extra pass over that matrix (ColumnSmoother::
// enable_product_output). Since p = z + beta p_old, A p = A z + beta A p_old follows
// from vector updates, and the iteration's own pass over the 27-point matrix (about a
// sixth of the solve at 2M unknowns) is saved. Where the preconditioner does not leave
// A z (another PC, or a smoother that cannot), the method multiplies by A itself: it is
// then plain PCG with one vector update more.
//
// The arithmetic is PCG's: the same iterates up to rounding. Norms, monitors,
// convergence tests and the initial guess work as for KSPCG (left preconditioning;
// unpreconditioned, preconditioned, natural or no norm; unpreconditioned by default).
#include <petscksp.h>

namespace tsvfield::solver {

// The KSP type name (-ksp_type cg_pc_product), known after register_product_cg().
inline constexpr const char* kProductCgType = "cg_pc_product";

// Registers the type with PETSc (after PetscInitialize; registering again replaces the
// entry with the same one).
void register_product_cg();

// Of the preconditioner applications of `ksp`'s last solve (a cg_pc_product KSP), how
// many left A z behind and how many needed a product with A.
struct ProductCgCounts {
  int from_preconditioner = 0;
  int multiplied = 0;
};
ProductCgCounts product_cg_counts(KSP ksp);

}  // namespace tsvfield::solver
