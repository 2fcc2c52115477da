// Preconditioned CG taking A z from the preconditioner: see product_cg.hpp.
//
// A Krylov method of its own needs PETSc's private KSP header (the KSP structure and
// its operation table): that is how PETSc's own methods and its documented
// "implementing your own Krylov method" example are written.
#include "solver/product_cg.hpp"

#include <petsc/private/kspimpl.h>

#include <cmath>
#include <exception>
#include <memory>

#include "solver/column_smoother.hpp"
#include "solver/petsc_handles.hpp"

namespace {

using tsvfield::solver::ColumnSmoother;

struct ProductCg {
  std::shared_ptr<ColumnSmoother> source;  // during a solve, when it leaves A z
  PetscInt from_preconditioner = 0;
  PetscInt multiplied = 0;
};

ProductCg* context_of(KSP ksp) {
  return static_cast<ProductCg*>(ksp->data);
}

// Stops the smoother writing into our work vector (and releases its reference).
PetscErrorCode release_source(ProductCg* cg) {
  PetscFunctionBeginUser;
  if (cg->source) {
    try {
      cg->source->enable_product_output(nullptr);
    } catch (const std::exception& error) {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
    }
    cg->source.reset();
  }
  PetscFunctionReturn(0);
}

// The smoother of the operator's finest level, when it agrees to leave A z in w.
PetscErrorCode acquire_source(ProductCg* cg, Mat a, Vec w) {
  PetscFunctionBeginUser;
  try {
    std::shared_ptr<ColumnSmoother> source = tsvfield::solver::operator_product_source(a);
    if (source && source->enable_product_output(w)) cg->source = std::move(source);
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
  }
  PetscFunctionReturn(0);
}

// w = A z: left by the preconditioner that made z, or multiplied.
PetscErrorCode operator_times(KSP ksp, Mat a, Vec z, Vec w) {
  PetscFunctionBeginUser;
  ProductCg* cg = context_of(ksp);
  bool held = false;
  if (cg->source) {
    try {
      held = cg->source->holds_product(z, w);
    } catch (const std::exception& error) {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
    }
  }
  if (held) {
    ++cg->from_preconditioner;
  } else {
    PetscCall(KSP_MatMult(ksp, a, z, w));
    ++cg->multiplied;
  }
  PetscFunctionReturn(0);
}

// Records the norm of iteration `its` and runs the convergence test on it.
PetscErrorCode record_norm(KSP ksp, PetscInt its, PetscReal norm) {
  PetscFunctionBeginUser;
  ksp->rnorm = norm;
  PetscCall(KSPLogResidualHistory(ksp, norm));
  PetscCall(KSPMonitor(ksp, its, norm));
  if (!std::isfinite(norm)) {
    ksp->reason = KSP_DIVERGED_NANORINF;
    PetscFunctionReturn(0);
  }
  PetscCall((*ksp->converged)(ksp, its, norm, &ksp->reason, ksp->cnvP));
  PetscFunctionReturn(0);
}

PetscErrorCode setup_product_cg(KSP ksp) {
  PetscFunctionBeginUser;
  PetscCall(KSPSetWorkVecs(ksp, 5));  // r, z, p, w = A z, q = A p
  PetscFunctionReturn(0);
}

// PCG (Hestenes-Stiefel with left preconditioning), with q = A p carried as
// q = w + beta q_old where w = A z.
PetscErrorCode iterate(KSP ksp) {
  PetscFunctionBeginUser;
  Vec x = ksp->vec_sol, b = ksp->vec_rhs;
  Vec r = ksp->work[0], z = ksp->work[1], p = ksp->work[2], w = ksp->work[3], q = ksp->work[4];
  Mat a = nullptr, pmat = nullptr;
  PetscCall(PCGetOperators(ksp->pc, &a, &pmat));
  ksp->its = 0;
  if (ksp->guess_zero) {
    PetscCall(VecCopy(b, r));
  } else {
    PetscCall(KSP_MatMult(ksp, a, x, r));
    PetscCall(VecAYPX(r, -1.0, b));
  }
  const KSPNormType norm_type = ksp->normtype;
  const bool norm_of_r = norm_type == KSP_NORM_UNPRECONDITIONED || norm_type == KSP_NORM_NONE;
  PetscScalar rho = 0, rho_old = 0;
  PetscReal pq_old = 0;
  for (PetscInt i = 0;; ++i) {
    // With the norm of r (or none), the test comes before the preconditioner, so the
    // last iteration applies none.
    if (norm_of_r) {
      PetscReal norm = 0;
      if (norm_type == KSP_NORM_UNPRECONDITIONED) PetscCall(VecNorm(r, NORM_2, &norm));
      PetscCall(record_norm(ksp, i, norm));
      if (ksp->reason) break;
    }
    PetscCall(KSP_PCApply(ksp, r, z));
    PetscCall(operator_times(ksp, a, z, w));
    PetscCall(VecDot(r, z, &rho));
    if (!norm_of_r) {
      PetscReal norm = 0;
      if (norm_type == KSP_NORM_PRECONDITIONED)
        PetscCall(VecNorm(z, NORM_2, &norm));
      else
        norm = std::sqrt(std::abs(PetscRealPart(rho)));
      PetscCall(record_norm(ksp, i, norm));
      if (ksp->reason) break;
    }
    if (i >= ksp->max_it) {
      ksp->reason = KSP_DIVERGED_ITS;
      break;
    }
    ksp->its = i + 1;  // counted when it starts, as KSPCG does (a breakdown counts)
    const PetscReal rz = PetscRealPart(rho);
    if (!std::isfinite(rz)) {
      ksp->reason = KSP_DIVERGED_NANORINF;
      break;
    }
    if (rz == 0.0) {  // r = 0 to the preconditioner: nothing left to do
      ksp->reason = KSP_CONVERGED_ATOL;
      break;
    }
    // As KSPCG: a definite operator of either sign is fine, a change of sign is not.
    if (i > 0 && (rz < 0.0) != (PetscRealPart(rho_old) < 0.0)) {
      ksp->reason = KSP_DIVERGED_INDEFINITE_PC;
      break;
    }
    if (i == 0) {
      PetscCall(VecCopy(z, p));
      PetscCall(VecCopy(w, q));
    } else {
      const PetscScalar beta = rho / rho_old;
      PetscCall(VecAYPX(p, beta, z));
      PetscCall(VecAYPX(q, beta, w));
    }
    PetscScalar pq = 0;
    PetscCall(VecDot(q, p, &pq));
    if (!std::isfinite(PetscRealPart(pq))) {
      ksp->reason = KSP_DIVERGED_NANORINF;
      break;
    }
    if (PetscRealPart(pq) == 0.0 || (i > 0 && (PetscRealPart(pq) < 0.0) != (pq_old < 0.0))) {
      ksp->reason = KSP_DIVERGED_INDEFINITE_MAT;
      break;
    }
    pq_old = PetscRealPart(pq);
    const PetscScalar alpha = rho / pq;
    PetscCall(VecAXPY(x, alpha, p));
    PetscCall(VecAXPY(r, -alpha, q));
    rho_old = rho;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode solve_product_cg(KSP ksp) {
  PetscFunctionBeginUser;
  ProductCg* cg = context_of(ksp);
  cg->from_preconditioner = 0;
  cg->multiplied = 0;
  Mat a = nullptr, pmat = nullptr;
  PetscCall(PCGetOperators(ksp->pc, &a, &pmat));
  PetscCall(acquire_source(cg, a, ksp->work[3]));
  const PetscErrorCode code = iterate(ksp);
  PetscCall(release_source(cg));
  PetscCall(code);
  PetscFunctionReturn(0);
}

PetscErrorCode reset_product_cg(KSP ksp) {
  PetscFunctionBeginUser;
  PetscCall(release_source(context_of(ksp)));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_product_cg(KSP ksp) {
  PetscFunctionBeginUser;
  PetscCall(reset_product_cg(ksp));
  delete context_of(ksp);
  ksp->data = nullptr;
  PetscCall(KSPDestroyDefault(ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode view_product_cg(KSP ksp, PetscViewer viewer) {
  PetscFunctionBeginUser;
  PetscBool ascii = PETSC_FALSE;
  PetscCall(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(viewer), PETSCVIEWERASCII, &ascii));
  if (ascii) {
    const ProductCg* cg = context_of(ksp);
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  A z taken from the preconditioner in %" PetscInt_FMT
                                     " of %" PetscInt_FMT " applications of the last solve\n",
                                     cg->from_preconditioner,
                                     cg->from_preconditioner + cg->multiplied));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode create_product_cg(KSP ksp) {
  PetscFunctionBeginUser;
  try {
    ksp->data = new ProductCg();
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_MEM, "%s", error.what());
  }
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_UNPRECONDITIONED, PC_LEFT, 3));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_PRECONDITIONED, PC_LEFT, 2));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_NATURAL, PC_LEFT, 2));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_NONE, PC_LEFT, 1));
  ksp->ops->setup = setup_product_cg;
  ksp->ops->solve = solve_product_cg;
  ksp->ops->reset = reset_product_cg;
  ksp->ops->destroy = destroy_product_cg;
  ksp->ops->view = view_product_cg;
  ksp->ops->buildsolution = KSPBuildSolutionDefault;
  ksp->ops->buildresidual = KSPBuildResidualDefault;
  PetscFunctionReturn(0);
}

}  // namespace

namespace tsvfield::solver {

void register_product_cg() {
  TSV_CHECK(KSPRegister(kProductCgType, create_product_cg));
}

ProductCgCounts product_cg_counts(KSP ksp) {
  PetscBool is_product_cg = PETSC_FALSE;
  TSV_CHECK(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp), kProductCgType, &is_product_cg));
  if (!is_product_cg) return {};
  const ProductCg* cg = context_of(ksp);
  return {static_cast<int>(cg->from_preconditioner), static_cast<int>(cg->multiplied)};
}

}  // namespace tsvfield::solver
