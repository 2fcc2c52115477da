#pragma once
// Complex linear systems (A + j w B) x = b on PETSc's real scalars, with A SPD and B
// SPD or SPSD (the 2D signal-integrity cross-sections: MQS with A = K, B = sigma mass;
// EQS with A = K_sigma, B = K_eps). Written as the real 2x2 block system
//   [[A, -w B], [w B, A]] [Re x; Im x] = [Re b; Im b]
// and solved with FGMRES (right preconditioning: the tolerance is on the true
// residual, and inexact inner solves are safe) and a PCSHELL preconditioner:
//   presb (default): P = [[A, -w B], [w B, A + 2 w B]] (preconditioned square block,
//     Axelsson, Neytcheva & Ahmad, Numer. Algorithms 66 (2014) 811). The eigenvalues
//     of P^-1 [[A, -w B], [w B, A]] are real and lie in [1/2, 1] for every w, mesh
//     and coefficient contrast, so the iteration count does not grow with frequency.
//     Applied as (A + w B) h = f + g, (A + w B) y = A h - f, x = h - y.
//   diagonal: blockdiag(A + w B, A + w B); spectrum (1 + j t) / (1 + t), t >= 0,
//     moduli in [1/sqrt2, 1] but bending towards +-j as w B dominates, so it needs
//     more iterations at high frequency (or near a relaxation frequency).
// Both cost two solves with S = A + w B per application; S is factored once per
// frequency (sparse Cholesky, nested-dissection ordering: the 2D systems are small
// and exact block solves keep the outer count at the PRESB bound).
//
// Options under the prefix (all sequential, PETSC_COMM_SELF):
//   -<prefix>block_preconditioner presb|diagonal   the shell preconditioner
//   -<prefix>ksp_*, -<prefix>pc_type ...           the outer solver
//   -<prefix>block_ksp_*, -<prefix>block_pc_*      the solves with S (default
//                                                  preonly + cholesky, nd ordering)
#include <petscksp.h>

#include <memory>
#include <string>

#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

enum class BlockPreconditioner { presb, diagonal };

// -<prefix>block_preconditioner (default presb); throws InputError for another value.
BlockPreconditioner block_preconditioner_choice(const std::string& prefix);

// [[A, -w B], [w B, A]] as one SeqAIJ matrix (A and B: square SeqAIJ of one size).
MatHandle complex_block_matrix(Mat a, Mat b, double omega);

// A + w B (a new matrix, marked symmetric: A and B are).
MatHandle shifted_matrix(Mat a, Mat b, double omega);

struct ComplexBlockSolverOptions {
  std::string prefix;  // PETSc options prefix
  double relative_tolerance = 1e-10;
  std::string description = "complex block solve";  // names the problem in errors
};

// One frequency of (A + j w B) x = b. A and B must outlive the solver.
class ComplexBlockSolver {
 public:
  ComplexBlockSolver(Mat a, Mat b, double omega, const ComplexBlockSolverOptions& options);
  ~ComplexBlockSolver();
  ComplexBlockSolver(const ComplexBlockSolver&) = delete;
  ComplexBlockSolver& operator=(const ComplexBlockSolver&) = delete;

  // Solves for [Re x; Im x] from [Re b; Im b] (zero initial guess; vectors of 2n
  // entries, e.g. from create_vector()). Returns the iteration count; throws
  // SolverError when the solve does not converge.
  int solve(Vec rhs, Vec solution);
  VecHandle create_vector() const;
  PetscInt size() const { return half_size_; }  // n

  struct ShellContext;  // the PCSHELL's state (defined in the .cpp)

 private:
  PetscInt half_size_ = 0;
  ComplexBlockSolverOptions options_;
  MatHandle operator_, shifted_;
  KspHandle inner_;
  std::unique_ptr<ShellContext> context_;  // destroyed after outer_ (declared before it)
  KspHandle outer_;
};

}  // namespace tsvfield::solver
