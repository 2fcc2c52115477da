#include "solver/petsc_options.hpp"

#include <petscsys.h>

#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {
namespace {

bool is_option_name(const std::string& word) {
  // "-1e-3" is a value, "-ksp_rtol" a name.
  return word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9') && word[1] != '.';
}

bool option_is_set(const std::string& name) {
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set));
  return set == PETSC_TRUE;
}

}  // namespace

void insert_options(const std::vector<std::string>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!is_option_name(words[i])) continue;  // a stray value: nothing to attach it to
    const std::string& name = words[i];
    const bool has_value = i + 1 < words.size() && !is_option_name(words[i + 1]);
    const std::string value = has_value ? words[i + 1] : std::string();
    if (has_value) ++i;
    if (option_is_set(name)) continue;
    TSV_CHECK(PetscOptionsSetValue(nullptr, name.c_str(), has_value ? value.c_str() : nullptr));
  }
}

void set_default_option(const std::string& prefix, const std::string& name,
                        const std::string& value) {
  const std::string full = "-" + prefix + name;
  if (option_is_set(full)) return;
  TSV_CHECK(PetscOptionsSetValue(nullptr, full.c_str(), value.empty() ? nullptr : value.c_str()));
}

void set_elliptic_defaults(const std::string& prefix, bool /*symmetric*/) {
  // The Krylov method is set on the object by the solve function (CG for
  // symmetric systems, GMRES inside Newton), not here: an option in the global
  // database would carry over to a later solve of another kind with this prefix.
  set_default_option(prefix, "pc_hypre_type", "boomeramg");
  // 3D elliptic with thin layers and 1000:1 contrast: a strong threshold of 0.5-0.7
  // keeps the weak in-plane couplings of thin layers out of the strength graph;
  // HMIS + ext+i interpolation keeps operator complexity low and convergence
  // independent of the contrast; one level of aggressive coarsening caps memory.
  set_default_option(prefix, "pc_hypre_boomeramg_strong_threshold", "0.7");
  set_default_option(prefix, "pc_hypre_boomeramg_coarsen_type", "HMIS");
  set_default_option(prefix, "pc_hypre_boomeramg_interp_type", "ext+i");
  set_default_option(prefix, "pc_hypre_boomeramg_P_max", "4");
  set_default_option(prefix, "pc_hypre_boomeramg_agg_nl", "1");
}

bool preconditioner_chosen(const std::string& prefix) {
  return option_is_set("-" + prefix + "pc_type");
}

void set_default_preconditioner(PC pc, const std::string& prefix) {
  if (preconditioner_chosen(prefix)) return;
  TSV_CHECK(PCSetType(pc, PCHYPRE));
  TSV_CHECK(PCHYPRESetType(pc, "boomeramg"));
}

}  // namespace tsvfield::solver
