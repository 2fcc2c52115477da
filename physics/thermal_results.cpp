#include "physics/thermal_results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "solver/hex_element.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::physics {
namespace {

constexpr double kLowest = std::numeric_limits<double>::lowest();
constexpr double kHighest = std::numeric_limits<double>::max();

// Local accumulation for one region (layer or block).
struct Accumulator {
  double max = kLowest, min = kHighest, integral = 0, volume = 0;
  std::array<double, 3> max_location{};
};

// `footprint`: of the last prism cell, reused while a column's cells share it.
void add_cell(Accumulator& acc, const mesh::LocalMesh& mesh, std::size_t cell,
              const std::vector<double>& temperature,
              std::optional<solver::PrismFootprint>& footprint) {
  solver::HexCoords coords;
  std::array<double, 8> values;
  for (int a = 0; a < 8; ++a) {
    const auto node = static_cast<std::size_t>(mesh.cells[cell][a]);
    coords[a] = mesh.node_coords[node];
    values[a] = temperature[node];
    if (values[a] > acc.max) {
      acc.max = values[a];
      acc.max_location = coords[a];
    }
    acc.min = std::min(acc.min, values[a]);
  }
  if (solver::is_vertical_prism(coords)) {
    // The same Gauss sums as hex_points gives a prism, from its footprint.
    if (!footprint || !footprint->matches(coords)) footprint = solver::prism_footprint(coords);
    const double height = coords[4][2] - coords[0][2];
    for (int q = 0; q < solver::kHexQuadraturePoints; ++q) {
      const auto& shape = solver::hex_gauss_shape(q);
      const double weight = footprint->area_det[static_cast<std::size_t>(q % 4)] * height / 2;
      double t = 0;
      for (int a = 0; a < 8; ++a) t += shape[a] * values[a];
      acc.integral += weight * t;
      acc.volume += weight;
    }
    return;
  }
  for (const auto& p : solver::hex_points(coords)) {
    double t = 0;
    for (int a = 0; a < 8; ++a) t += p.shape[a] * values[a];
    acc.integral += p.weight * t;
    acc.volume += p.weight;
  }
}

// Combines the ranks' accumulators: sums, min, and max with its location.
std::vector<Accumulator> reduce(const std::vector<Accumulator>& local, MPI_Comm comm) {
  const std::size_t n = local.size();
  std::vector<double> sums(2 * n), mins(n), reduced_sums(2 * n), reduced_mins(n);
  std::vector<double> max_local(n), max_global(n);
  for (std::size_t i = 0; i < n; ++i) {
    sums[2 * i] = local[i].integral;
    sums[2 * i + 1] = local[i].volume;
    mins[i] = local[i].min;
    max_local[i] = local[i].max;
  }
  const int count = static_cast<int>(n);
  MPI_Allreduce(sums.data(), reduced_sums.data(), 2 * count, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(mins.data(), reduced_mins.data(), count, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(max_local.data(), max_global.data(), count, MPI_DOUBLE, MPI_MAX, comm);
  // The location comes from the lowest rank holding the maximum.
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::vector<int> holder_local(n), holder(n);
  for (std::size_t i = 0; i < n; ++i) {
    holder_local[i] = local[i].max == max_global[i] && max_global[i] > kLowest ? rank : ranks;
  }
  MPI_Allreduce(holder_local.data(), holder.data(), count, MPI_INT, MPI_MIN, comm);
  std::vector<double> location(3 * n, 0), location_global(3 * n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (holder[i] == rank)
      std::copy(local[i].max_location.begin(), local[i].max_location.end(),
                location.begin() + static_cast<long>(3 * i));
  }
  MPI_Allreduce(location.data(), location_global.data(), 3 * count, MPI_DOUBLE, MPI_SUM, comm);
  std::vector<Accumulator> global(n);
  for (std::size_t i = 0; i < n; ++i) {
    global[i] = {max_global[i],
                 reduced_mins[i],
                 reduced_sums[2 * i],
                 reduced_sums[2 * i + 1],
                 {location_global[3 * i], location_global[3 * i + 1], location_global[3 * i + 2]}};
  }
  return global;
}

TemperatureStats make_stats(const std::string& name, const Accumulator& acc, double power,
                            double ambient) {
  TemperatureStats stats;
  stats.name = name;
  stats.t_max_K = acc.max;
  stats.t_min_K = acc.min;
  stats.t_mean_K = acc.integral / acc.volume;
  stats.max_location = acc.max_location;
  stats.volume_m3 = acc.volume;
  stats.power_W = power;
  if (std::isfinite(ambient) && power > 0) {
    stats.has_resistance = true;
    stats.resistance_K_per_W = (acc.max - ambient) / power;
  }
  return stats;
}

// The heat out through the fixed-temperature and convection boundaries at each of
// `references`; `unconstrained_residual` null without fixed temperatures.
std::vector<ReferenceOutflow> outflow_by_reference(
    const solver::ScalarOperator& op, const std::vector<ReferenceTemperature>& references,
    Vec unconstrained_residual, const std::vector<double>& local_temperature) {
  std::vector<ReferenceOutflow> outflows;
  for (const auto& reference : references) {
    double out = op.robin_outflow(local_temperature, reference.temperature_K);
    if (unconstrained_residual)
      out -= op.dirichlet_reaction(unconstrained_residual, reference.temperature_K);
    outflows.push_back({reference.temperature_K, reference.surfaces, out});
  }
  return outflows;
}

}  // namespace

HeatBalance heat_balance(const solver::ScalarOperator& op, const ThermalProblem& problem,
                         const std::vector<double>& scales, Vec t, Vec rate,
                         const std::vector<double>& local_t) {
  HeatBalance balance;
  for (std::size_t g = 0; g < scales.size(); ++g)
    balance.power_in_W += scales[g] * op.load_total(g);
  // R sums to (stored + convection - power) over all rows, and to ~0 over the
  // free rows, so the fixed-temperature surfaces carry -sum of R over theirs.
  // Without fixed temperatures or storage no residual is needed.
  solver::VecHandle r;
  if (op.has_dirichlet() || rate) {
    r = op.create_vector();
    op.residual(t, rate, scales, r);
    balance.fixed_temperature_out_W = 0.0 - op.dirichlet_reaction(r);  // no "-0"
  }
  balance.convection_out_W = op.robin_outflow(local_t);
  balance.by_reference = outflow_by_reference(op, problem.references, r.get(), local_t);
  if (rate) {
    solver::VecHandle steady = op.create_vector();
    op.residual(t, nullptr, scales, steady);
    TSV_CHECK(VecAXPY(r, -1.0, steady));
    PetscScalar stored = 0;
    TSV_CHECK(VecSum(r, &stored));
    balance.stored_W = stored;
  }
  const double out = balance.fixed_temperature_out_W + balance.convection_out_W + balance.stored_W;
  const double scale =
      std::max({std::abs(balance.power_in_W), std::abs(balance.fixed_temperature_out_W),
                std::abs(balance.convection_out_W), std::abs(balance.stored_W), 1e-300});
  balance.relative_error = std::abs(balance.power_in_W - out) / scale;
  return balance;
}

void refer_to_ambient(ThermalResults& results) {
  results.has_ambient = false;
  results.ambient_K = 0;
  results.ambient_surfaces.clear();
  results.ambient_heat_fraction = 0;
  const std::vector<ReferenceOutflow>& outflows = results.heat_balance.by_reference;
  if (outflows.empty()) return;
  std::size_t chosen = 0;
  double leaving = 0;  // the heat out where it leaves (boundaries taking heat in excluded)
  for (std::size_t i = 0; i < outflows.size(); ++i) {
    if (outflows[i].out_W > outflows[chosen].out_W) chosen = i;
    leaving += std::max(outflows[i].out_W, 0.0);
  }
  const double out = outflows[chosen].out_W;
  if (outflows.size() > 1 && !(out > 0)) return;
  results.has_ambient = true;
  results.ambient_K = outflows[chosen].temperature_K;
  results.ambient_surfaces = outflows[chosen].surfaces;
  results.ambient_heat_fraction = leaving > 0 ? std::max(out, 0.0) / leaving : 1.0;
}

std::vector<double> layer_max_temperatures(const mesh::LocalMesh& mesh,
                                           const std::vector<double>& temperature, MPI_Comm comm) {
  std::vector<double> local(mesh.layer_names.size(), kLowest), global(local.size());
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    double& value = local[static_cast<std::size_t>(mesh.cell_layer[c])];
    for (auto node : mesh.cells[c])
      value = std::max(value, temperature[static_cast<std::size_t>(node)]);
  }
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_MAX,
                comm);
  return global;
}

void compute_temperature_stats(const mesh::LocalMesh& mesh, const StackRegions& regions,
                               const ThermalProblem& problem, const std::vector<double>& scales,
                               const std::vector<double>& temperature, MPI_Comm comm,
                               ThermalResults& results) {
  // Regions: every layer, then every (layer, block) pair of the regions table.
  struct BlockRef {
    int layer;
    std::string name;
    mesh::Rect rect;
  };
  std::vector<BlockRef> blocks;
  for (std::size_t l = 0; l < mesh.layer_names.size(); ++l) {
    auto it = regions.find(mesh.layer_names[l]);
    if (it == regions.end()) continue;
    for (const auto& [name, rect] : it->second.blocks) {
      blocks.push_back({static_cast<int>(l), mesh.layer_names[l] + "/" + name, rect});
    }
  }
  const std::size_t layer_count = mesh.layer_names.size();
  std::vector<Accumulator> local(layer_count + blocks.size());
  std::optional<solver::PrismFootprint> footprint;
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    const int layer = mesh.cell_layer[c];
    add_cell(local[static_cast<std::size_t>(layer)], mesh, c, temperature, footprint);
    bool centroid_known = false;
    solver::Vec3 centre{};
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      if (blocks[b].layer != layer) continue;
      if (!centroid_known) {
        solver::HexCoords coords;
        for (int a = 0; a < 8; ++a)
          coords[a] = mesh.node_coords[static_cast<std::size_t>(mesh.cells[c][a])];
        centre = solver::hex_centroid(coords);
        centroid_known = true;
      }
      if (rect_contains(blocks[b].rect, centre[0], centre[1])) {
        add_cell(local[layer_count + b], mesh, c, temperature, footprint);
      }
    }
  }
  const std::vector<Accumulator> global = reduce(local, comm);

  // Power per layer and per block from the loads (at their current scales).
  std::vector<double> layer_power(layer_count, 0);
  std::map<std::string, double> block_power;
  for (std::size_t g = 0; g < problem.loads.size(); ++g) {
    const ThermalLoad& load = problem.loads[g];
    if (load.is_boundary_flux) continue;
    auto it = std::find(mesh.layer_names.begin(), mesh.layer_names.end(), load.layer);
    if (it != mesh.layer_names.end())
      layer_power[static_cast<std::size_t>(it - mesh.layer_names.begin())] += scales[g];
    if (load.name != load.layer) block_power[load.name] += scales[g];
  }
  const double ambient =
      results.has_ambient ? results.ambient_K : std::numeric_limits<double>::quiet_NaN();
  results.layers.clear();
  results.blocks.clear();
  for (std::size_t l = 0; l < layer_count; ++l) {
    if (!(global[l].volume > 0)) continue;  // a layer without cells (e.g. void)
    results.layers.push_back(make_stats(mesh.layer_names[l], global[l], layer_power[l], ambient));
  }
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const Accumulator& acc = global[layer_count + b];
    if (!(acc.volume > 0)) continue;
    const auto power = block_power.find(blocks[b].name);
    results.blocks.push_back(
        make_stats(blocks[b].name, acc, power == block_power.end() ? 0.0 : power->second, ambient));
  }
}

}  // namespace tsvfield::physics
