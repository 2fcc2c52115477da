#include "app/electrical_run.hpp"

#include <array>
#include <cstdio>
#include <utility>
#include <vector>

#include "app/commands.hpp"
#include "io/electrical_report.hpp"
#include "io/vtk_writer.hpp"
#include "physics/conduction.hpp"
#include "physics/electrostatics.hpp"
#include "physics/electrothermal.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::app {
namespace {

void print_on_root(MPI_Comm comm, const std::string& text) {
  if (!is_root(comm)) return;
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

std::vector<double> flatten(const std::vector<std::array<double, 3>>& vectors) {
  std::vector<double> values;
  values.reserve(vectors.size() * 3);
  for (const auto& vector : vectors) values.insert(values.end(), vector.begin(), vector.end());
  return values;
}

// DIR/electrical.pvtu: the potential and the current density, electric field and
// Joule heat of the conduction solution.
void write_conduction_fields(const std::string& output_dir, const mesh::LocalMesh& mesh,
                             const physics::ConductionResults& results, MPI_Comm comm) {
  std::vector<io::CellField> cell_fields = {
      io::CellField{"current_density_A_m2", flatten(results.current_density_A_m2), 3},
      io::CellField{"electric_field_V_m", flatten(results.electric_field_V_m), 3},
      io::CellField{"joule_heat_W_m3", results.joule_heat_W_m3, 1}};
  std::vector<io::PointField> point_fields = {
      io::PointField{"potential_V", results.potential_V, 1}};
  io::write_pvtu(output_dir + "/electrical", mesh, cell_fields, point_fields, comm);
}

// Conduction, plain or coupled with heat; fills summary["electrical"] and writes
// its outputs. Sets the outcome's conduction and coupled thermal results.
void run_conduction(const io::Case& the_case, const mesh::GeneratedMesh& generated,
                    const physics::StackRegions& regions, const std::string& output_dir,
                    MPI_Comm comm, Progress& progress, io::JsonValue& electrical,
                    ElectricalOutcome& outcome) {
  const physics::ConductionSpec& spec = *the_case.conduction;
  physics::ConductionResults results;
  if (the_case.electrothermal) {
    progress.step("electro-thermal analysis");
    physics::ElectrothermalOptions options;
    options.progress = [&progress](const std::string& line) { progress.step(line); };
    physics::ElectrothermalResults coupled =
        physics::solve_electrothermal(generated.mesh, the_case.materials, spec, the_case.thermal,
                                      regions, *the_case.electrothermal, comm, options);
    progress.step("electro-thermal: converged in " + std::to_string(coupled.iterations) +
                  " iterations");
    print_on_root(comm, io::format_electrothermal_table(coupled));
    electrical.set("electrothermal", io::electrothermal_summary_json(coupled));
    if (is_root(comm) && the_case.output.csv)
      io::electrothermal_history_table(coupled).write(output_dir + "/electrothermal_history.csv");
    results = std::move(coupled.conduction);
    outcome.coupled_thermal = std::move(coupled.thermal);
  } else {
    progress.step("DC conduction analysis");
    results = physics::solve_conduction(generated.mesh, the_case.materials, spec, {}, comm);
    progress.step("DC conduction: " + std::to_string(results.solve_count) + " solves, " +
                  std::to_string(results.solver.iterations) + " iterations");
  }
  print_on_root(comm, io::format_conduction_table(results));
  electrical.set("conduction", io::conduction_summary_json(results));
  if (!results.matrix_terminals.empty()) {
    electrical.set("resistance", io::resistance_summary_json(results));
    if (is_root(comm) && the_case.output.csv)
      io::named_matrix_table("R_ohm", results.matrix_terminals, results.resistance_ohm)
          .write(output_dir + "/resistance.csv");
  }
  if (the_case.output.vtk) {
    solver::ScopedLogStage stage("Output");
    write_conduction_fields(output_dir, generated.mesh, results, comm);
  }
  // The report needs the numbers, not the fields.
  results.potential_V = {};
  results.electric_field_V_m = {};
  results.current_density_A_m2 = {};
  results.joule_heat_W_m3 = {};
  results.conducting = {};
  outcome.conduction = std::move(results);
}

// One capacitance extraction per silicon treatment: summary
// electrical.capacitance (the first) and electrical.capacitance_<treatment>.
void run_electrostatics(const io::Case& the_case, const mesh::GeneratedMesh& generated,
                        const std::string& output_dir, MPI_Comm comm, Progress& progress,
                        io::JsonValue& electrical, ElectricalOutcome& outcome) {
  bool first = true;
  for (const physics::ElectrostaticSpec& spec : the_case.electrostatics) {
    const std::string treatment = io::silicon_treatment_name(spec.silicon);
    progress.step("capacitance extraction, silicon " + treatment);
    physics::CapacitanceResults results =
        physics::capacitance_matrix(generated.mesh, the_case.materials, spec, comm);
    progress.step("capacitance (" + treatment + "): " + std::to_string(results.solve_count) +
                  " solves, " + std::to_string(results.solver.iterations) + " iterations");
    print_on_root(comm, io::format_capacitance_table(results, spec.silicon));
    io::JsonValue json = io::capacitance_summary_json(results, spec.silicon);
    if (first) electrical.set("capacitance", json);
    electrical.set("capacitance_" + treatment, std::move(json));
    first = false;
    if (is_root(comm) && the_case.output.csv)
      io::named_matrix_table("C_F", results.names, results.capacitance_F)
          .write(output_dir + "/capacitance_" + treatment + ".csv");
    outcome.capacitances.emplace_back(treatment, std::move(results));
  }
}

}  // namespace

bool has_electrical_analyses(const io::Case& the_case) {
  return the_case.conduction.has_value() || !the_case.electrostatics.empty();
}

ElectricalOutcome run_electrical_analyses(const io::Case& the_case,
                                          const mesh::GeneratedMesh& generated,
                                          const physics::StackRegions& regions,
                                          const std::string& output_dir, MPI_Comm comm,
                                          Progress& progress, io::JsonValue& summary) {
  const double start = MPI_Wtime();
  io::JsonValue electrical = io::JsonValue::object();
  ElectricalOutcome outcome;
  if (the_case.conduction)
    run_conduction(the_case, generated, regions, output_dir, comm, progress, electrical, outcome);
  run_electrostatics(the_case, generated, output_dir, comm, progress, electrical, outcome);
  double elapsed = MPI_Wtime() - start;
  double slowest = elapsed;
  MPI_Allreduce(&elapsed, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm);
  electrical.set("time_s", slowest);
  summary.set("electrical", std::move(electrical));
  return outcome;
}

}  // namespace tsvfield::app
