#include "physics/signal_integrity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>

#include "physics/electrostatics.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::physics {
namespace {

// The analysis's source with one of its keys appended to the key path.
SourceRef with_key(SourceRef source, const std::string& key) {
  source.key_path += (source.key_path.empty() ? "" : ".") + key;
  return source;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Role of every geometry conductor. Conductors of arrays left out of the analysis
// float: they are metal in the cross-section but carry no net current or charge.
std::vector<ConductorRole> conductor_roles(const mesh::StackGeometry& geometry,
                                           const SignalIntegritySpec& spec) {
  std::set<int> selected_nets;
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    const auto& array = geometry.arrays.at(static_cast<std::size_t>(geometry.conductor_array[c]));
    bool selected = spec.arrays.empty() ? array.is_tsv : contains(spec.arrays, array.name);
    if (selected) selected_nets.insert(geometry.conductors[c].net);
  }
  std::vector<ConductorRole> roles(geometry.conductors.size(), ConductorRole::floating);
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    const auto& conductor = geometry.conductors[c];
    if (!selected_nets.count(conductor.net)) continue;
    if (contains(spec.signal_roles, conductor.role))
      roles[c] = ConductorRole::signal;
    else if (contains(spec.return_roles, conductor.role))
      roles[c] = ConductorRole::ret;
  }
  return roles;
}

void check_arrays(const mesh::StackGeometry& geometry, const SignalIntegritySpec& spec) {
  for (const auto& name : spec.arrays) {
    bool known = std::any_of(geometry.arrays.begin(), geometry.arrays.end(),
                             [&](const mesh::FeatureArray& array) { return array.name == name; });
    if (!known) {
      std::string names;
      for (const auto& array : geometry.arrays) names += (names.empty() ? "" : ", ") + array.name;
      throw InputError(
          with_key(spec.source, "arrays"),
          "expected a TSV or bump array '<layer>/<array>' (" + names + "), found '" + name + "'");
    }
  }
}

// Every signal net must have a conductor in every section (the line runs through
// them all): checked here, against the case's key, before any mesh is built.
void check_signals_cross(const mesh::StackGeometry& geometry, const SignalIntegritySpec& spec,
                         const std::vector<ConductorRole>& roles, const std::vector<int>& layers) {
  std::set<int> signal_nets;
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c)
    if (roles[c] == ConductorRole::signal) signal_nets.insert(geometry.conductors[c].net);
  for (std::size_t k = 0; k < layers.size(); ++k) {
    std::set<int> crossing;
    for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
      const auto& array = geometry.arrays.at(static_cast<std::size_t>(geometry.conductor_array[c]));
      if (roles[c] == ConductorRole::signal && array.layer_first <= layers[k] &&
          layers[k] <= array.layer_last)
        crossing.insert(geometry.conductors[c].net);
    }
    if (crossing.size() != signal_nets.size()) {
      throw InputError(with_key(spec.source, "layers"),
                       "expected every signal to run through every listed layer; '" +
                           spec.layers[k] + "' holds " + std::to_string(crossing.size()) +
                           " of the " + std::to_string(signal_nets.size()) + " signal nets");
    }
  }
}

// The line sections: the listed layers, or those the first signal TSV crosses.
std::vector<int> section_layers(const mesh::StackGeometry& geometry,
                                const SignalIntegritySpec& spec,
                                const std::vector<ConductorRole>& roles) {
  std::vector<int> layers;
  for (const auto& name : spec.layers) {
    int layer = geometry.layer_index(name);
    if (layer < 0)
      throw InputError(with_key(spec.source, "layers"),
                       "expected a layer name, found '" + name + "'");
    layers.push_back(layer);
  }
  if (!layers.empty()) {
    for (std::size_t k = 1; k < layers.size(); ++k) {
      if (geometry.layers[static_cast<std::size_t>(layers[k])].z0 <
          geometry.layers[static_cast<std::size_t>(layers[k - 1])].z1 - 1e-15) {
        throw InputError(with_key(spec.source, "layers"),
                         "expected layers listed bottom to top without overlap, found '" +
                             spec.layers[k] + "' below '" + spec.layers[k - 1] + "'");
      }
    }
    check_signals_cross(geometry, spec, roles, layers);
    return layers;
  }
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    if (roles[c] != ConductorRole::signal || geometry.conductors[c].kind != "tsv") continue;
    const auto& array = geometry.arrays.at(static_cast<std::size_t>(geometry.conductor_array[c]));
    for (int layer = array.layer_first; layer <= array.layer_last; ++layer) layers.push_back(layer);
    return layers;
  }
  throw InputError(spec.source, "expected at least one signal TSV (a role in signal_roles: " +
                                    (spec.signal_roles.empty() ? std::string("none")
                                                               : spec.signal_roles.front()) +
                                    "), found none");
}

// Highest conductivity among the metals of a layer's conductors (for the skin depth).
double best_metal_conductivity(const mesh::StackGeometry& geometry, int layer,
                               const MaterialLibrary& materials, double temperature_K) {
  double best = 0;
  for (std::size_t a = 0; a < geometry.arrays.size(); ++a) {
    const auto& array = geometry.arrays[a];
    if (layer < array.layer_first || layer > array.layer_last) continue;
    const auto& name = geometry.materials.at(static_cast<std::size_t>(array.conductor_material));
    if (const Material* material = materials.find(name))
      best = std::max(best, material->electrical_conductivity(temperature_K));
  }
  return best;
}

double skin_depth(double frequency_Hz, double conductivity) {
  if (!(frequency_Hz > 0) || !(conductivity > 0)) return std::numeric_limits<double>::infinity();
  return 1 / std::sqrt(std::numbers::pi * frequency_Hz * kVacuumPermeability * conductivity);
}

CrossSectionControls section_controls(const SignalIntegritySpec& spec,
                                      const mesh::MeshControls& mesh_controls, double conductivity,
                                      double max_frequency_Hz) {
  CrossSectionControls controls;
  controls.circle_segments =
      spec.circle_segments > 0 ? spec.circle_segments : std::max(mesh_controls.circle_segments, 32);
  double depth = skin_depth(max_frequency_Hz, conductivity);
  controls.conductor_surface_cell_m = std::isfinite(depth) ? spec.skin_depth_fraction * depth : 0;
  controls.depletion_thickness_m = spec.depletion_thickness;
  controls.temperature_K = spec.temperature_K;
  controls.metal_threshold_S_m = spec.metal_threshold;
  controls.semiconductors = spec.semiconductors;
  return controls;
}

// Rows of the section's matrices in the order of `nets` (the first section's).
std::vector<int> rows_by_net(const CrossSection& section, const std::vector<int>& signals,
                             const std::vector<int>& nets, const SourceRef& source) {
  std::vector<int> rows;
  for (int net : nets) {
    int found = -1;
    for (std::size_t k = 0; k < signals.size(); ++k)
      if (section.conductors[static_cast<std::size_t>(signals[k])].net == net)
        found = static_cast<int>(k);
    if (found < 0) {
      throw InputError(with_key(source, "layers"),
                       "every signal must run through every section; layer '" + section.layer +
                           "' holds " + std::to_string(signals.size()) + " of the " +
                           std::to_string(nets.size()) + " signal nets");
    }
    rows.push_back(found);
  }
  if (signals.size() != nets.size()) {
    throw InputError(with_key(source, "layers"),
                     "layer '" + section.layer + "' holds " + std::to_string(signals.size()) +
                         " signal conductors, the first section " + std::to_string(nets.size()));
  }
  return rows;
}

std::vector<double> permuted(const std::vector<double>& matrix, const std::vector<int>& rows) {
  const std::size_t n = rows.size();
  std::vector<double> result(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      result[i * n + j] =
          matrix[static_cast<std::size_t>(rows[i]) * n + static_cast<std::size_t>(rows[j])];
  return result;
}

// Sweep frequencies plus report frequencies, ascending, without repeats.
std::vector<double> solve_frequencies(const std::vector<double>& sweep,
                                      const std::vector<double>& report) {
  std::vector<double> all = sweep;
  all.insert(all.end(), report.begin(), report.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end(),
                        [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); }),
            all.end());
  return all;
}

std::size_t index_of(const std::vector<double>& frequencies, double frequency) {
  std::size_t best = 0;
  for (std::size_t k = 0; k < frequencies.size(); ++k)
    if (std::abs(frequencies[k] - frequency) < std::abs(frequencies[best] - frequency)) best = k;
  return best;
}

struct SolvedSection {
  SectionResult result;
  CrossSection section;
  ImpedanceSweep impedance;
  AdmittanceSweep admittance;
};

bool same_mesh(const CrossSection& a, const CrossSection& b) {
  return a.mesh.nodes == b.mesh.nodes && a.mesh.cells == b.mesh.cells &&
         a.cell_conductor == b.cell_conductor && a.cell_material.size() == b.cell_material.size();
}

bool same_conductors(const CrossSection& a, const CrossSection& b) {
  if (a.conductors.size() != b.conductors.size()) return false;
  for (std::size_t c = 0; c < a.conductors.size(); ++c)
    if (a.conductors[c].role != b.conductors[c].role || a.conductors[c].net != b.conductors[c].net)
      return false;
  return true;
}

// What the MQS solve sees of a cell: only metals conduct.
bool same_magnetic_cell(const SectionMaterial* a, const SectionMaterial* b) {
  bool metal_a = a && a->is_metal, metal_b = b && b->is_metal;
  return metal_a == metal_b && (!metal_a || a->conductivity_S_m == b->conductivity_S_m);
}

bool same_electric_cell(const SectionMaterial* a, const SectionMaterial* b) {
  if (!a || !b) return a == b;
  return a->is_metal == b->is_metal && a->conductivity_S_m == b->conductivity_S_m &&
         a->relative_permittivity == b->relative_permittivity &&
         a->is_semiconductor == b->is_semiconductor;
}

const SectionMaterial* cell_material(const CrossSection& section, std::size_t cell) {
  int material = section.cell_material[cell];
  return material < 0 ? nullptr : &section.materials[static_cast<std::size_t>(material)];
}

// Sections of a chain often repeat a cross-section (the oxide layers a TSV crosses,
// the same die twice): the per-unit-length parameters depend only on the
// cross-section, so an identical one is solved once.
template <typename SameCell>
bool same_problem(const CrossSection& a, const CrossSection& b, SameCell same_cell) {
  if (!same_mesh(a, b) || !same_conductors(a, b)) return false;
  for (std::size_t cell = 0; cell < a.cell_material.size(); ++cell)
    if (!same_cell(cell_material(a, cell), cell_material(b, cell))) return false;
  return true;
}

SolvedSection solve_section(const mesh::StackGeometry& geometry,
                            const mesh::MeshControls& mesh_controls, int layer,
                            const std::vector<ConductorRole>& roles,
                            const MaterialLibrary& materials, const SignalIntegritySpec& spec,
                            const std::vector<double>& frequencies, std::vector<int>& nets,
                            const std::vector<SolvedSection>& earlier, MPI_Comm comm) {
  solver::ScopedLogStage stage("SI cross-section");
  double conductivity = best_metal_conductivity(geometry, layer, materials, spec.temperature_K);
  CrossSection section =
      build_cross_section(geometry, mesh_controls, layer, roles, materials,
                          section_controls(spec, mesh_controls, conductivity, frequencies.back()));
  std::vector<int> signals = signal_conductors(section);
  if (nets.empty())
    for (int c : signals) nets.push_back(section.conductors[static_cast<std::size_t>(c)].net);
  std::vector<int> rows = rows_by_net(section, signals, nets, spec.source);

  SolvedSection solved;
  const SolvedSection* magnetic_twin = nullptr;
  const SolvedSection* electric_twin = nullptr;
  for (const auto& other : earlier) {
    if (!magnetic_twin && same_problem(section, other.section, same_magnetic_cell))
      magnetic_twin = &other;
    if (!electric_twin && same_problem(section, other.section, same_electric_cell))
      electric_twin = &other;
  }
  SectionSolveOptions mqs{"si_mqs_", 1e-10}, eqs{"si_eqs_", 1e-10};
  solved.impedance =
      magnetic_twin ? magnetic_twin->impedance : impedance_sweep(section, frequencies, comm, mqs);
  solved.admittance =
      electric_twin ? electric_twin->admittance : admittance_sweep(section, frequencies, comm, eqs);
  const ImpedanceSweep& impedance = solved.impedance;
  const AdmittanceSweep& admittance = solved.admittance;
  SectionResult& result = solved.result;
  result.rlgc.layer = section.layer;
  result.rlgc.length_m = section.length_m;
  for (int row : rows) {
    result.rlgc.signal_names.push_back(
        section.conductors[static_cast<std::size_t>(signals[static_cast<std::size_t>(row)])].name);
  }
  result.rlgc.frequencies_Hz = frequencies;
  const int n = static_cast<int>(nets.size());
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    RlgcMatrices matrices;
    matrices.conductors = n;
    matrices.R = permuted(impedance.R_ohm_per_m[f], rows);
    matrices.L = permuted(impedance.L_H_per_m[f], rows);
    matrices.G = permuted(admittance.G_S_per_m[f], rows);
    matrices.C = permuted(admittance.C_F_per_m[f], rows);
    result.rlgc.rlgc.push_back(std::move(matrices));
  }
  result.cross_section_cells = section.mesh.cell_count();
  result.conductor_surface_cell_m = section.conductor_surface_cell_m;
  // skin depth >= 2 * cell  <=>  f <= 1 / (pi mu sigma (2 cell)^2)
  double cell = section.conductor_surface_cell_m;
  result.skin_depth_resolved_to_Hz =
      conductivity > 0 && cell > 0
          ? 1 / (std::numbers::pi * kVacuumPermeability * conductivity * 4 * cell * cell)
          : std::numeric_limits<double>::infinity();
  result.impedance_stats = impedance.stats;
  result.admittance_stats = admittance.stats;
  if (magnetic_twin) {
    result.impedance_reused_from = static_cast<int>(magnetic_twin - earlier.data());
    result.impedance_stats.seconds = 0;
  }
  if (electric_twin) {
    result.admittance_reused_from = static_cast<int>(electric_twin - earlier.data());
    result.admittance_stats.seconds = 0;
  }
  solved.section = std::move(section);
  return solved;
}

// Lumped end corrections from the 3D electrostatic solve (silicon as a dielectric,
// the high-frequency limit): the 3D capacitance of the signal nets minus what the
// sections' per-unit-length capacitances account for, half at each end.
void add_end_corrections(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                         const SignalIntegritySpec& spec, std::vector<SolvedSection>& sections,
                         SignalIntegrityResults& results, MPI_Comm comm) {
  const int n = static_cast<int>(results.signal_names.size());
  ElectrostaticSpec electrostatic;
  electrostatic.source = spec.source;
  electrostatic.silicon = SiliconTreatment::dielectric;
  electrostatic.semiconductors = spec.semiconductors;
  electrostatic.temperature_K = spec.temperature_K;
  for (const auto& name : results.signal_names) {
    CapacitanceConductor conductor;
    conductor.source = spec.source;
    conductor.name = name;
    conductor.conductors = {name};
    electrostatic.conductors.push_back(conductor);
  }
  ElectrostaticOptions options;
  options.prefix = "si_end_";
  CapacitanceResults capacitance =
      capacitance_matrix(mesh, materials, electrostatic, comm, options);

  // The sections' own share: their lossless (dielectric) capacitance per length.
  std::vector<double> excess = capacitance.capacitance_F;
  for (auto& solved : sections) {
    CrossSection lossless = solved.section;
    for (auto& material : lossless.materials)
      if (material.is_semiconductor) material.conductivity_S_m = 0;
    AdmittanceSweep dielectric = admittance_sweep(lossless, {0.0}, comm);
    std::vector<int> signals = signal_conductors(lossless);
    // Rows in the order of the results (matched by conductor name within the section).
    std::vector<int> rows;
    for (const auto& name : solved.result.rlgc.signal_names) {
      for (std::size_t k = 0; k < signals.size(); ++k)
        if (lossless.conductors[static_cast<std::size_t>(signals[k])].name == name)
          rows.push_back(static_cast<int>(k));
    }
    std::vector<double> per_length = permuted(dielectric.C_F_per_m.front(), rows);
    for (std::size_t k = 0; k < excess.size(); ++k) excess[k] -= per_length[k] * lossless.length_m;
  }
  LumpedShunt half;
  half.conductors = n;
  half.G_S.assign(static_cast<std::size_t>(n * n), 0.0);
  half.C_F.resize(static_cast<std::size_t>(n * n));
  for (std::size_t k = 0; k < excess.size(); ++k) half.C_F[k] = 0.5 * excess[k];
  results.near_end_shunt = half;
  results.far_end_shunt = half;
}

// S of the whole chain: the sections' and end shunts' S-matrices joined by star
// products, which stays accurate for long lossy chains where a product of chain
// matrices loses the decaying part (physics/transmission_line.hpp).
solver::ComplexMatrix chain_scattering(const SignalIntegrityResults& results, std::size_t frequency,
                                       double z0) {
  const double f = results.sections.front().rlgc.frequencies_Hz[frequency];
  std::vector<solver::ComplexMatrix> parts;
  if (results.near_end_shunt.conductors > 0)
    parts.push_back(scattering_from_chain(shunt_chain_matrix(results.near_end_shunt, f), z0));
  for (const auto& section : results.sections) {
    parts.push_back(
        line_scattering_matrix(section.rlgc.rlgc[frequency], section.rlgc.length_m, f, z0));
  }
  if (results.far_end_shunt.conductors > 0)
    parts.push_back(scattering_from_chain(shunt_chain_matrix(results.far_end_shunt, f), z0));
  solver::ComplexMatrix s = parts.front();
  for (std::size_t k = 1; k < parts.size(); ++k) s = cascade_scattering(s, parts[k]);
  return s;
}

PortFigures port_figures(const solver::ComplexMatrix& s, double frequency, int signal, int n) {
  PortFigures figures;
  figures.frequency_Hz = frequency;
  figures.signal = signal;
  figures.insertion_loss_dB = insertion_loss_dB(s, signal);
  figures.return_loss_dB = return_loss_dB(s, signal);
  for (int aggressor = 0; aggressor < n; ++aggressor) {
    if (aggressor == signal) continue;
    figures.worst_next_dB =
        std::max(figures.worst_next_dB, near_end_crosstalk_dB(s, signal, aggressor));
    figures.worst_fext_dB =
        std::max(figures.worst_fext_dB, far_end_crosstalk_dB(s, signal, aggressor));
  }
  figures.worst_next_dB = std::max(figures.worst_next_dB, -300.0);
  figures.worst_fext_dB = std::max(figures.worst_fext_dB, -300.0);
  return figures;
}

}  // namespace

SignalIntegrityResults run_signal_integrity(const mesh::StackGeometry& geometry,
                                            const mesh::MeshControls& mesh_controls,
                                            const mesh::LocalMesh* mesh,
                                            const MaterialLibrary& materials,
                                            const SignalIntegritySpec& spec, MPI_Comm comm) {
  check_arrays(geometry, spec);
  const std::vector<ConductorRole> roles = conductor_roles(geometry, spec);
  const std::vector<int> layers = section_layers(geometry, spec, roles);
  const std::vector<double> sweep = sweep_frequencies(spec.sweep);
  const std::vector<double> frequencies = solve_frequencies(sweep, spec.report_frequencies_Hz);

  SignalIntegrityResults results;
  results.reference_impedance_ohm = spec.reference_impedance_ohm;
  std::vector<SolvedSection> solved;
  std::vector<int> nets;
  for (int layer : layers) {
    solved.push_back(solve_section(geometry, mesh_controls, layer, roles, materials, spec,
                                   frequencies, nets, solved, comm));
  }
  for (const auto& section : solved) {
    results.sections.push_back(section.result);
    results.total_length_m += section.result.rlgc.length_m;
  }
  results.signal_names = results.sections.front().rlgc.signal_names;
  for (const auto& name : results.signal_names) results.port_names.push_back(name + ".near");
  for (const auto& name : results.signal_names) results.port_names.push_back(name + ".far");

  if (spec.end_corrections) {
    if (!mesh) throw InputError(with_key(spec.source, "end_corrections"), "needs the 3D mesh");
    add_end_corrections(*mesh, materials, spec, solved, results, comm);
  }

  const int n = static_cast<int>(results.signal_names.size());
  std::vector<solver::ComplexMatrix> s_all;
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    s_all.push_back(chain_scattering(results, f, spec.reference_impedance_ohm));
    results.max_singular_value =
        std::max(results.max_singular_value, max_singular_value(s_all.back()));
    results.max_reciprocity_error =
        std::max(results.max_reciprocity_error, reciprocity_error(s_all.back()));
  }
  results.frequencies_Hz = sweep;
  for (double f : sweep) results.s.push_back(s_all[index_of(frequencies, f)]);

  std::vector<double> report = spec.report_frequencies_Hz;
  if (report.empty()) report.push_back(sweep.back());
  for (double f : report) {
    const auto& s = s_all[index_of(frequencies, f)];
    for (int signal = 0; signal < n; ++signal)
      results.report.push_back(port_figures(s, f, signal, n));
  }
  // The sections keep only the sweep's frequencies, like the S-matrices.
  for (auto& section : results.sections) {
    SectionRlgcSweep& rlgc = section.rlgc;
    std::vector<RlgcMatrices> kept;
    for (double f : sweep) kept.push_back(rlgc.rlgc[index_of(frequencies, f)]);
    rlgc.rlgc = std::move(kept);
    rlgc.frequencies_Hz = sweep;
  }
  return results;
}

}  // namespace tsvfield::physics
