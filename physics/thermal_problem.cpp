#include "physics/thermal_problem.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "mesh/cell_prefetch.hpp"
#include "mesh/input_error.hpp"
#include "solver/hex_element.hpp"

namespace tsvfield::physics {
namespace {

using solver::Vec3;

// Properties are tabulated for positive temperatures; a Newton iterate may
// wander below zero, so evaluate at a floor there (derivative zero).
constexpr double kMinTemperature = 1e-3;

// Numeric rows of a CSV/blank-separated file; one leading non-numeric line is a header.
std::vector<std::vector<double>> read_numeric_rows(const std::string& path,
                                                   const SourceRef& where) {
  std::ifstream in(path);
  if (!in) throw InputError(where, "cannot open '" + path + "'");
  std::vector<std::vector<double>> rows;
  std::string line;
  int line_number = 0;
  bool header_allowed = true;
  while (std::getline(in, line)) {
    ++line_number;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::replace(line.begin(), line.end(), ';', ' ');
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream words(line);
    std::vector<double> row;
    std::string word;
    bool numeric = true;
    while (words >> word) {
      char* end = nullptr;
      const double value = std::strtod(word.c_str(), &end);
      if (end == word.c_str() || *end != '\0' || !std::isfinite(value)) {
        numeric = false;
        break;
      }
      row.push_back(value);
    }
    if (!numeric) {
      if (header_allowed) {
        header_allowed = false;
        continue;
      }
      throw InputError(where, path + ":" + std::to_string(line_number) +
                                  ": expected numbers, found '" + word + "'");
    }
    header_allowed = false;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw InputError(where, "'" + path + "' holds no data rows");
  return rows;
}

double global_sum(double value, MPI_Comm comm) {
  double sum = 0;
  MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  return sum;
}

int index_of(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

solver::HexCoords cell_coords(const mesh::LocalMesh& mesh, std::size_t cell) {
  solver::HexCoords coords;
  for (int a = 0; a < 8; ++a) {
    coords[a] = mesh.node_coords[static_cast<std::size_t>(mesh.cells[cell][a])];
  }
  return coords;
}

solver::FaceCoords face_coords(const mesh::LocalMesh& mesh, std::size_t cell, int face) {
  solver::FaceCoords coords;
  for (int a = 0; a < 4; ++a) {
    coords[a] = mesh.node_coords[static_cast<std::size_t>(
        mesh.cells[cell][mesh::kHexFaceNodes[static_cast<std::size_t>(face)][a]])];
  }
  return coords;
}

// Material data per mesh material index, checked for what the analysis needs.
std::vector<const Material*> mesh_materials(const mesh::LocalMesh& mesh,
                                            const MaterialLibrary& materials, bool needs_capacity,
                                            const SourceRef& where) {
  std::vector<const Material*> table;
  for (const auto& name : mesh.material_names) {
    const Material* material = materials.find(name);
    if (!material)
      throw InputError(where, "the mesh uses material '" + name + "', which is not defined");
    for (const auto& k : material->conductivity) {
      if (!k.is_defined()) {
        throw InputError(where, "material '" + name + "' has no thermal conductivity");
      }
    }
    if (needs_capacity && !material->heat_capacity.is_defined()) {
      throw InputError(
          where, "material '" + name + "' has no heat capacity (needed by the transient analysis)");
    }
    table.push_back(material);
  }
  return table;
}

bool any_temperature_dependent(const mesh::LocalMesh& mesh,
                               const std::vector<const Material*>& table, MPI_Comm comm) {
  std::vector<bool> used(table.size(), false);
  for (auto material : mesh.cell_material) used.at(static_cast<std::size_t>(material)) = true;
  int dependent = 0;
  for (std::size_t m = 0; m < table.size(); ++m) {
    if (!used[m]) continue;
    for (const auto& k : table[m]->conductivity) dependent |= k.is_constant() ? 0 : 1;
  }
  int any = 0;
  MPI_Allreduce(&dependent, &any, 1, MPI_INT, MPI_MAX, comm);
  return any != 0;
}

void set_coefficients(ThermalProblem& problem, const mesh::LocalMesh& mesh,
                      std::vector<const Material*> table, const ThermalAnalysis& analysis) {
  const bool nonlinear = problem.nonlinear;
  const double reference = analysis.reference_temperature_K;
  // Shared by both callbacks; copies of the spec stay valid.
  auto cell_material = std::make_shared<std::vector<const Material*>>();
  cell_material->reserve(mesh.cell_material.size());
  for (auto m : mesh.cell_material) cell_material->push_back(table[static_cast<std::size_t>(m)]);
  problem.spec.nonlinear = nonlinear;
  // Linear: k and c of the cell's material at the reference temperature.
  problem.spec.coefficients_per_cell = !nonlinear;
  if (!nonlinear) {
    // Linear: k at the reference temperature, once per material (a log-log table
    // costs a log and a pow per direction and Gauss point).
    std::vector<Vec3> material_k(table.size());
    for (std::size_t m = 0; m < table.size(); ++m) {
      for (int i = 0; i < 3; ++i) material_k[m][i] = table[m]->conductivity[i](reference);
    }
    auto cell_materials = std::make_shared<const std::vector<std::int32_t>>(mesh.cell_material);
    problem.spec.diffusion = [material_k, cell_materials](const solver::PointContext& p) {
      const auto m = (*cell_materials)[static_cast<std::size_t>(p.cell)];
      return solver::DiffusionValue{material_k[static_cast<std::size_t>(m)], {}};
    };
  } else {
    problem.spec.diffusion = [cell_material](const solver::PointContext& p) {
      const Material& material = *(*cell_material)[static_cast<std::size_t>(p.cell)];
      solver::DiffusionValue k;
      const double t = std::max(p.u, kMinTemperature);
      for (int i = 0; i < 3; ++i) {
        k.value[i] = material.conductivity[i](t);
        k.derivative[i] = p.u > kMinTemperature ? material.conductivity[i].derivative(t) : 0.0;
      }
      return k;
    };
  }
  if (analysis.type == ThermalAnalysisType::transient) {
    problem.spec.capacity = [cell_material, nonlinear, reference](const solver::PointContext& p) {
      const Material& material = *(*cell_material)[static_cast<std::size_t>(p.cell)];
      const double t = nonlinear ? std::max(p.u, kMinTemperature) : reference;
      return solver::ScalarValue{
          material.heat_capacity(t),
          nonlinear && p.u > kMinTemperature ? material.heat_capacity.derivative(t) : 0.0};
    };
  }
}

// Cells of a layer (optionally inside a block rectangle) on this rank.
std::vector<std::int32_t> select_cells(const mesh::LocalMesh& mesh, int layer,
                                       const mesh::Rect* block) {
  std::vector<std::int32_t> cells;
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    if (mesh.cell_layer[c] != layer) continue;
    if (block) {
      const Vec3 centre = solver::hex_centroid(cell_coords(mesh, c));
      if (!rect_contains(*block, centre[0], centre[1])) continue;
    }
    cells.push_back(static_cast<std::int32_t>(c));
  }
  return cells;
}

// Faces of a named surface whose cell belongs to the selection (face centroid in the block).
std::vector<mesh::BoundaryFace> select_faces(const mesh::LocalMesh& mesh, int surface,
                                             const mesh::Rect* block) {
  std::vector<mesh::BoundaryFace> faces;
  for (const auto& face : mesh.surface_faces) {
    if (face.tag != surface) continue;
    if (block) {
      const auto coords = face_coords(mesh, static_cast<std::size_t>(face.cell), face.face);
      double x = 0, y = 0;
      for (const auto& p : coords) {
        x += p[0] / 4;
        y += p[1] / 4;
      }
      if (!rect_contains(*block, x, y)) continue;
    }
    faces.push_back(face);
  }
  return faces;
}

// The unit load (integrating to 1 W) of one power source.
solver::LoadGroup power_load(const mesh::LocalMesh& mesh, const PowerSource& source,
                             const StackRegions& regions, MPI_Comm comm) {
  const int layer = index_of(mesh.layer_names, source.layer);
  if (layer < 0) {
    throw InputError(source.source, "unknown layer '" + source.layer +
                                        "' (layers: " + joined(mesh.layer_names) + ")");
  }
  const auto region = regions.find(source.layer);
  const mesh::Rect* block = nullptr;
  if (!source.block.empty()) {
    if (region == regions.end() || !region->second.blocks.count(source.block)) {
      throw InputError(source.source,
                       "layer '" + source.layer + "' has no block '" + source.block + "'");
    }
    block = &region->second.blocks.at(source.block);
  }
  PowerMap map;
  mesh::Rect outline;
  const bool mapped = !source.map_file.empty();
  if (mapped) {
    if (region == regions.end() || !(region->second.outline.width() > 0) ||
        !(region->second.outline.height() > 0)) {
      throw InputError(source.source,
                       "layer '" + source.layer + "' has no outline for a power map");
    }
    outline = region->second.outline;
    map = read_power_map(source.map_file, source.source);
  }
  auto weight_at = [&](const Vec3& x) { return mapped ? map.at(x[0], x[1], outline) : 1.0; };

  solver::LoadGroup load;
  double integral = 0;  // of the weight over the selection (volume or area)
  if (source.distribution == PowerDistribution::volume) {
    std::optional<solver::PrismFootprint> footprint;  // a column's cells share it
    // Sized once: the loads stay in the operator through the solve, the peak of memory.
    const std::vector<std::int32_t> cells = select_cells(mesh, layer, block);
    load.volume.reserve(cells.size());
    for (std::size_t k = 0; k < cells.size(); ++k) {
      mesh::prefetch_listed_cells(mesh, k, cells.size(), [&](std::size_t i) { return cells[i]; });
      const std::int32_t cell = cells[k];
      const auto coords = cell_coords(mesh, static_cast<std::size_t>(cell));
      if (!mapped && solver::is_vertical_prism(coords)) {
        // A uniform source: the cell's volume alone (from its footprint).
        if (!footprint || !footprint->matches(coords)) footprint = solver::prism_footprint(coords);
        load.volume.push_back({cell, 1.0});
        integral += solver::prism_volume(*footprint, coords[4][2] - coords[0][2]);
        continue;
      }
      double weighted = 0, volume = 0;
      for (const auto& p : solver::hex_points(coords)) {
        weighted += p.weight * weight_at(p.position);
        volume += p.weight;
      }
      load.volume.push_back({cell, weighted / volume});
      integral += weighted;
    }
  } else {
    const std::string surface_name =
        source.layer + (source.distribution == PowerDistribution::top_surface ? ".top" : ".bottom");
    const int surface = index_of(mesh.surface_names, surface_name);
    if (surface < 0)
      throw InputError(source.source, "the mesh has no surface '" + surface_name + "'");
    const std::vector<mesh::BoundaryFace> faces = select_faces(mesh, surface, block);
    load.faces.reserve(faces.size());
    for (const auto& face : faces) {
      const auto points =
          solver::face_points(face_coords(mesh, static_cast<std::size_t>(face.cell), face.face));
      double weighted = 0, area = 0;
      for (const auto& p : points) {
        weighted += p.weight * weight_at(p.position);
        area += p.weight;
      }
      load.faces.push_back({face.cell, face.face, weighted / area});
      integral += weighted;
    }
  }
  integral = global_sum(integral, comm);
  if (!(integral > 0)) {
    throw InputError(source.source,
                     std::string("the power source covers no ") +
                         (mapped ? "positive power-map area" : "meshed cells") + " in layer '" +
                         source.layer + "'" +
                         (source.block.empty() ? "" : " block '" + source.block + "'"));
  }
  for (auto& v : load.volume) v.density /= integral;
  for (auto& f : load.faces) f.density /= integral;
  return load;
}

void add_power_sources(ThermalProblem& problem, const mesh::LocalMesh& mesh,
                       const ThermalSpec& spec, const StackRegions& regions, MPI_Comm comm) {
  for (const auto& source : spec.power) {
    if (!std::isfinite(source.power)) throw InputError(source.source, "power is not a number");
    ThermalLoad load;
    load.name = source.layer + (source.block.empty() ? "" : "/" + source.block);
    load.layer = source.layer;
    load.power = source.power;
    load.trace_is_scale = source.trace_is_scale;
    if (!source.trace_file.empty()) {
      load.trace = read_power_trace(source.trace_file, source.source);
    }
    problem.spec.loads.push_back(power_load(mesh, source, regions, comm));
    problem.loads.push_back(std::move(load));
  }
}

void add_boundaries(ThermalProblem& problem, const mesh::LocalMesh& mesh, const ThermalSpec& spec) {
  std::map<double, std::vector<std::string>> references;  // temperature -> surfaces
  for (const auto& boundary : spec.boundaries) {
    const int surface = index_of(mesh.surface_names, boundary.surface);
    if (surface < 0) {
      throw InputError(boundary.source, "unknown surface '" + boundary.surface +
                                            "' (surfaces: " + joined(mesh.surface_names) + ")");
    }
    const auto faces = select_faces(mesh, surface, nullptr);
    switch (boundary.kind) {
      case BoundaryKind::adiabatic:
        break;
      case BoundaryKind::temperature:
        if (!(boundary.temperature_K > 0)) {
          throw InputError(boundary.source, "temperature must be above 0 K");
        }
        references[boundary.temperature_K].push_back(boundary.surface);
        for (const auto& face : faces) {
          for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face.face)]) {
            problem.spec.dirichlet.push_back(
                {mesh.cells[static_cast<std::size_t>(face.cell)][static_cast<std::size_t>(a)],
                 boundary.temperature_K});
          }
        }
        break;
      case BoundaryKind::convection:
        if (!(boundary.heat_transfer_coeff >= 0) || !(boundary.ambient_K > 0)) {
          throw InputError(
              boundary.source,
              "convection needs a heat transfer coefficient >= 0 and an ambient above 0 K");
        }
        references[boundary.ambient_K].push_back(boundary.surface);
        for (const auto& face : faces) {
          problem.spec.robin.push_back(
              {face.cell, face.face, boundary.heat_transfer_coeff, boundary.ambient_K});
        }
        break;
      case BoundaryKind::heat_flux: {
        if (!std::isfinite(boundary.heat_flux))
          throw InputError(boundary.source, "heat flux is not a number");
        solver::LoadGroup group;
        for (const auto& face : faces)
          group.faces.push_back({face.cell, face.face, boundary.heat_flux});
        ThermalLoad load;
        load.name = "flux:" + boundary.surface;
        load.is_boundary_flux = true;
        problem.spec.loads.push_back(std::move(group));
        problem.loads.push_back(std::move(load));
        break;
      }
    }
  }
  for (auto& [temperature, surfaces] : references)
    problem.references.push_back({temperature, std::move(surfaces)});
}

void add_interfaces(ThermalProblem& problem, const mesh::LocalMesh& mesh, const ThermalSpec& spec) {
  std::vector<double> conductance(mesh.interface_names.size(), -1);
  for (const auto& contact : spec.interfaces) {
    const std::string name = contact.lower_layer + "|" + contact.upper_layer;
    const int index = index_of(mesh.interface_names, name);
    if (index < 0) {
      throw InputError(contact.source,
                       "no interface between layers '" + contact.lower_layer + "' and '" +
                           contact.upper_layer +
                           "' (the upper layer must lie directly on the lower one)");
    }
    if (!(contact.resistance > 0) || !std::isfinite(contact.resistance)) {
      throw InputError(contact.source, "interface resistance must be a positive number (m^2*K/W)");
    }
    conductance[static_cast<std::size_t>(index)] = 1.0 / contact.resistance;
  }
  for (std::size_t i = 0; i < conductance.size(); ++i) {
    if (conductance[i] < 0) {
      // The mesher doubles nodes only where the case asks for a resistance.
      throw std::logic_error("mesh interface '" + mesh.interface_names[i] +
                             "' has doubled nodes but no interface resistance");
    }
  }
  for (const auto& pair : mesh.interface_faces) {
    problem.spec.interfaces.push_back({pair.cell_below, pair.cell_above,
                                       conductance.at(static_cast<std::size_t>(pair.interface))});
  }
}

}  // namespace

bool rect_contains(const mesh::Rect& rect, double x, double y) {
  const double tol = 1e-9 * std::max(rect.width(), rect.height());
  return x >= rect.x0 - tol && x <= rect.x1 + tol && y >= rect.y0 - tol && y <= rect.y1 + tol;
}

double PowerMap::at(double x, double y, const mesh::Rect& outline) const {
  const double fx = (x - outline.x0) / outline.width();
  const double fy = (y - outline.y0) / outline.height();
  const int i = std::clamp(static_cast<int>(std::floor(fx * columns)), 0, columns - 1);
  const int j = std::clamp(static_cast<int>(std::floor(fy * rows)), 0, rows - 1);
  return values[static_cast<std::size_t>(j) * static_cast<std::size_t>(columns) +
                static_cast<std::size_t>(i)];
}

PowerMap read_power_map(const std::string& path, const SourceRef& where) {
  const auto rows = read_numeric_rows(path, where);
  PowerMap map;
  map.rows = static_cast<int>(rows.size());
  map.columns = static_cast<int>(rows.front().size());
  map.values.resize(static_cast<std::size_t>(map.rows) * static_cast<std::size_t>(map.columns));
  bool any_positive = false;
  for (int r = 0; r < map.rows; ++r) {
    const auto& row = rows[static_cast<std::size_t>(r)];
    if (static_cast<int>(row.size()) != map.columns) {
      throw InputError(where, "power map '" + path + "': row " + std::to_string(r + 1) + " has " +
                                  std::to_string(row.size()) + " values, the first has " +
                                  std::to_string(map.columns));
    }
    // The file's first row is the largest y; store row 0 at the smallest y.
    const int j = map.rows - 1 - r;
    for (int i = 0; i < map.columns; ++i) {
      const double value = row[static_cast<std::size_t>(i)];
      if (value < 0)
        throw InputError(where,
                         "power map '" + path + "': negative value " + std::to_string(value));
      any_positive |= value > 0;
      map.values[static_cast<std::size_t>(j) * static_cast<std::size_t>(map.columns) +
                 static_cast<std::size_t>(i)] = value;
    }
  }
  if (!any_positive) throw InputError(where, "power map '" + path + "' is zero everywhere");
  return map;
}

double PowerTrace::at(double time) const {
  if (times.empty()) return 1.0;
  if (time <= times.front()) return values.front();
  if (time >= times.back()) return values.back();
  const auto upper = std::upper_bound(times.begin(), times.end(), time);
  const auto i = static_cast<std::size_t>(upper - times.begin());
  const double f = (time - times[i - 1]) / (times[i] - times[i - 1]);
  return values[i - 1] + f * (values[i] - values[i - 1]);
}

PowerTrace read_power_trace(const std::string& path, const SourceRef& where) {
  PowerTrace trace;
  for (const auto& row : read_numeric_rows(path, where)) {
    if (row.size() != 2) {
      throw InputError(where, "power trace '" + path +
                                  "': expected 2 columns (time_s, value), found " +
                                  std::to_string(row.size()));
    }
    if (!trace.times.empty() && !(row[0] > trace.times.back())) {
      throw InputError(where, "power trace '" + path + "': times must ascend strictly");
    }
    trace.times.push_back(row[0]);
    trace.values.push_back(row[1]);
  }
  return trace;
}

double ThermalLoad::scale(double time, bool transient) const {
  if (is_boundary_flux) return 1.0;
  if (!transient || trace.empty()) return power;
  return trace_is_scale ? power * trace.at(time) : trace.at(time);
}

ThermalProblem build_thermal_problem(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                     const ThermalSpec& spec, const StackRegions& regions,
                                     MPI_Comm comm) {
  ThermalProblem problem;
  const bool transient = spec.analysis.type == ThermalAnalysisType::transient;
  const auto table = mesh_materials(mesh, materials, transient, spec.analysis.source);
  switch (spec.analysis.nonlinear) {
    case ThermalAnalysis::Nonlinear::on:
      problem.nonlinear = true;
      break;
    case ThermalAnalysis::Nonlinear::off:
      problem.nonlinear = false;
      break;
    case ThermalAnalysis::Nonlinear::automatic:
      problem.nonlinear = any_temperature_dependent(mesh, table, comm);
      break;
  }
  set_coefficients(problem, mesh, table, spec.analysis);
  add_power_sources(problem, mesh, spec, regions, comm);
  add_boundaries(problem, mesh, spec);
  add_interfaces(problem, mesh, spec);
  return problem;
}

}  // namespace tsvfield::physics
