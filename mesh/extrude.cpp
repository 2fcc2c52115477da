#include "mesh/extrude.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "mesh/partition.hpp"

namespace tsvfield::mesh {
namespace {

// Automatic elements through a layer: hexahedra no taller than kAutoAspect times the
// in-plane size of the layer's smallest feature (or of max_size without features).
constexpr double kAutoAspect = 4.0;
constexpr int kAutoMaxSubdivisions = 16;

int layer_subdivisions(const LayerInstance& layer, double in_plane_size) {
  if (layer.z_subdivisions > 0) return layer.z_subdivisions;
  double reference = layer.feature_size > 0 ? layer.feature_size : in_plane_size;
  double thickness = layer.z1 - layer.z0;
  int count = static_cast<int>(std::ceil(thickness / (kAutoAspect * reference) - 1e-9));
  return std::clamp(count, 1, kAutoMaxSubdivisions);
}

void report(const MeshOptions& options, int percent) {
  if (options.progress) options.progress(percent);
}

// FNV-1a over the words of a profile.
std::uint64_t hash_words(const std::vector<std::int32_t>& words) {
  std::uint64_t hash = 1469598103934665603ull;
  for (std::int32_t word : words) {
    hash ^= static_cast<std::uint32_t>(word);
    hash *= 1099511628211ull;
  }
  return hash;
}

struct ResolvedInterface {
  std::int32_t lower, upper;
  std::int32_t level;
};

std::vector<ResolvedInterface> resolve_interfaces(const StackGeometry& geometry,
                                                  const ZLayering& layering,
                                                  const std::vector<InterfaceRequest>& requests) {
  std::vector<ResolvedInterface> resolved;
  double tolerance = 1e-9 * std::max(1e-12, geometry.top() - geometry.bottom());
  for (const auto& request : requests) {
    int lower = geometry.layer_index(request.lower_layer);
    int upper = geometry.layer_index(request.upper_layer);
    if (lower < 0)
      throw InputError(request.source,
                       "expected a layer name, found '" + request.lower_layer + "'");
    if (upper < 0)
      throw InputError(request.source,
                       "expected a layer name, found '" + request.upper_layer + "'");
    const LayerInstance& below = geometry.layers[lower];
    const LayerInstance& above = geometry.layers[upper];
    if (std::abs(below.z1 - above.z0) > tolerance)
      throw InputError(request.source, "layer '" + above.name + "' does not sit on layer '" +
                                           below.name + "' (no common interface)");
    int interval = layering.layer_first_interval[upper];
    resolved.push_back({lower, upper, interval});
  }
  return resolved;
}

}  // namespace

ZLayering compute_z_layering(const StackGeometry& geometry, const MeshControls& controls,
                             double in_plane_size) {
  double tolerance = 1e-9 * std::max(1e-12, geometry.top() - geometry.bottom());
  std::vector<double> boundaries;
  for (const auto& layer : geometry.layers) {
    boundaries.push_back(layer.z0);
    boundaries.push_back(layer.z1);
  }
  std::sort(boundaries.begin(), boundaries.end());
  std::vector<double> base;
  for (double z : boundaries)
    if (base.empty() || z - base.back() > tolerance) base.push_back(z);

  ZLayering layering;
  layering.z_levels.push_back(base.front());
  for (std::size_t k = 0; k + 1 < base.size(); ++k) {
    double a = base[k], b = base[k + 1], mid = 0.5 * (a + b);
    std::vector<std::int32_t> column_layers, other_layers;
    int count = 1;
    for (std::int32_t l = 0; l < static_cast<std::int32_t>(geometry.layers.size()); ++l) {
      const LayerInstance& layer = geometry.layers[l];
      if (mid < layer.z0 || mid > layer.z1) continue;
      (layer.column >= 0 ? column_layers : other_layers).push_back(l);
      double share = (b - a) / (layer.z1 - layer.z0);
      int wanted =
          static_cast<int>(std::ceil(layer_subdivisions(layer, in_plane_size) * share - 1e-6));
      count = std::max(count, wanted);
    }
    if (controls.max_z_size > 0)
      count = std::max(count, static_cast<int>(std::ceil((b - a) / controls.max_z_size - 1e-9)));
    column_layers.insert(column_layers.end(), other_layers.begin(), other_layers.end());
    for (int s = 1; s <= count; ++s) {
      layering.z_levels.push_back(s == count ? b : a + (b - a) * s / count);
      layering.interval_layers.push_back(column_layers);
    }
  }
  std::size_t intervals = layering.interval_layers.size();
  layering.layer_first_interval.assign(geometry.layers.size(), -1);
  layering.layer_last_interval.assign(geometry.layers.size(), -1);
  for (std::size_t l = 0; l < geometry.layers.size(); ++l)
    for (std::size_t k = 0; k < intervals; ++k) {
      double mid = 0.5 * (layering.z_levels[k] + layering.z_levels[k + 1]);
      if (mid < geometry.layers[l].z0 || mid > geometry.layers[l].z1) continue;
      if (layering.layer_first_interval[l] < 0)
        layering.layer_first_interval[l] = static_cast<std::int32_t>(k);
      layering.layer_last_interval[l] = static_cast<std::int32_t>(k);
    }
  return layering;
}

ColumnProfiles classify_columns(const StackGeometry& geometry, const FootprintMesh& footprint,
                                const ZLayering& layering) {
  ColumnProfiles profiles;
  std::int32_t intervals = static_cast<std::int32_t>(layering.interval_layers.size());
  profiles.interval_count = intervals;
  profiles.column_profile.resize(footprint.cells.size());
  std::unordered_map<std::uint64_t, std::vector<std::int32_t>> by_hash;
  std::vector<std::int32_t> words(2 * static_cast<std::size_t>(intervals));
  std::size_t layer_count = geometry.layers.size();
  std::vector<MaterialAt> per_layer(layer_count);
  std::vector<char> evaluated(layer_count);
  std::int32_t previous_site = -1, previous_band = -1, previous_profile = -1;

  for (std::int32_t c = 0; c < footprint.cell_count(); ++c) {
    std::int32_t site = footprint.cell_site[c], band = footprint.cell_band[c];
    // O-grid cells of one (site, band) share their material column.
    if (site >= 0 && site == previous_site && band == previous_band) {
      profiles.column_profile[c] = previous_profile;
      continue;
    }
    std::fill(evaluated.begin(), evaluated.end(), 0);
    const auto& point = footprint.cell_centroid[c];
    for (std::int32_t k = 0; k < intervals; ++k) {
      std::int32_t material = kVoidMaterial, layer = -1;
      for (std::int32_t l : layering.interval_layers[k]) {
        if (!evaluated[l]) {
          per_layer[l] =
              geometry.material_at_site(l, site, footprint.cell_band_radius[c], point[0], point[1]);
          evaluated[l] = 1;
        }
        if (per_layer[l].in_region) {
          layer = l;
          material = per_layer[l].material;
          break;
        }
      }
      words[k] = material;
      words[intervals + k] = material == kVoidMaterial ? -1 : layer;
    }
    std::uint64_t hash = hash_words(words);
    std::int32_t profile = -1;
    auto& candidates = by_hash[hash];
    for (std::int32_t candidate : candidates) {
      const std::int32_t* stored =
          profiles.profile_material.data() + static_cast<std::size_t>(candidate) * intervals;
      const std::int32_t* stored_layer =
          profiles.profile_layer.data() + static_cast<std::size_t>(candidate) * intervals;
      if (std::equal(words.begin(), words.begin() + intervals, stored) &&
          std::equal(words.begin() + intervals, words.end(), stored_layer)) {
        profile = candidate;
        break;
      }
    }
    if (profile < 0) {
      profile = static_cast<std::int32_t>(profiles.profile_cells.size());
      candidates.push_back(profile);
      profiles.profile_material.insert(profiles.profile_material.end(), words.begin(),
                                       words.begin() + intervals);
      profiles.profile_layer.insert(profiles.profile_layer.end(), words.begin() + intervals,
                                    words.end());
      profiles.profile_cells.push_back(static_cast<std::int32_t>(
          std::count_if(words.begin(), words.begin() + intervals,
                        [](std::int32_t m) { return m != kVoidMaterial; })));
    }
    profiles.column_profile[c] = profile;
    previous_site = site;
    previous_band = band;
    previous_profile = profile;
  }
  return profiles;
}

namespace {

// Builds one rank's LocalMesh from the shared footprint, profiles and partition.
class Extruder {
 public:
  Extruder(const GeneratedMesh& shared, const std::vector<ResolvedInterface>& interfaces,
           const MeshOptions& options, MPI_Comm comm)
      : geometry_(shared.geometry),
        footprint_(shared.footprint),
        layering_(shared.layering),
        profiles_(shared.profiles),
        column_rank_(shared.column_rank),
        material_map_(shared.mesh_material_of),
        interfaces_(interfaces),
        options_(options),
        comm_(comm) {
    MPI_Comm_rank(comm, &rank_);
    MPI_Comm_size(comm, &rank_count_);
    level_count_ = static_cast<std::int32_t>(layering_.z_levels.size());
    slot_of_level_.assign(level_count_, -1);
    for (const auto& interface : interfaces_)
      if (slot_of_level_[interface.level] < 0) slot_of_level_[interface.level] = slot_count_++;
  }

  void build(LocalMesh& mesh, MeshTimings& timings) {
    double start = MPI_Wtime();
    mesh.rank = rank_;
    mesh.rank_count = rank_count_;
    select_local_columns();
    number_nodes(mesh);
    double numbered = MPI_Wtime();
    build_cells(mesh);
    double extruded = MPI_Wtime();
    exchange_ghost_numbers(mesh);
    double exchanged = MPI_Wtime();
    timings.extrude = (extruded - numbered) + (numbered - start);
    timings.numbering = exchanged - extruded;
  }

 private:
  void select_local_columns() {
    for (std::int32_t c = 0; c < footprint_.cell_count(); ++c)
      if (column_rank_[c] == rank_) local_columns_.push_back(c);
    local_of_node_.assign(footprint_.nodes.size(), -1);
    for (std::int32_t c : local_columns_)
      for (std::int32_t node : footprint_.cells[c]) local_of_node_[node] = 0;
    for (std::int32_t n = 0; n < footprint_.node_count(); ++n)
      if (local_of_node_[n] == 0) {
        local_of_node_[n] = static_cast<std::int32_t>(local_nodes_.size());
        local_nodes_.push_back(n);
      }
  }

  struct LevelUse {
    bool below_any = false, above_any = false, below_local = false, above_local = false;
    int below_owner = 1 << 30, above_owner = 1 << 30;
    bool doubled = false;
  };

  // Which cells touch 3D node (footprint node, level), and whether an interface doubles it.
  LevelUse level_use(std::int32_t node, std::int32_t level) const {
    LevelUse use;
    std::int32_t intervals = level_count_ - 1;
    for (std::int32_t k = footprint_.node_cell_start[node];
         k < footprint_.node_cell_start[node + 1]; ++k) {
      std::int32_t column = footprint_.node_cells[k];
      int owner = column_rank_[column];
      if (level > 0 && profiles_.material(column, level - 1) != kVoidMaterial) {
        use.below_any = true;
        use.below_local |= owner == rank_;
        use.below_owner = std::min(use.below_owner, owner);
      }
      if (level < intervals && profiles_.material(column, level) != kVoidMaterial) {
        use.above_any = true;
        use.above_local |= owner == rank_;
        use.above_owner = std::min(use.above_owner, owner);
      }
    }
    if (slot_of_level_[level] >= 0 && use.below_any && use.above_any)
      use.doubled = interface_doubles(node, level);
    return use;
  }

  // True when all cells below are the lower layer and all above the upper layer of one
  // of the interfaces at this level (elsewhere, e.g. at a rim touching other layers, the
  // node stays shared so the mesh stays conforming).
  bool interface_doubles(std::int32_t node, std::int32_t level) const {
    for (const auto& interface : interfaces_) {
      if (interface.level != level) continue;
      bool all_match = true;
      for (std::int32_t k = footprint_.node_cell_start[node];
           k < footprint_.node_cell_start[node + 1] && all_match; ++k) {
        std::int32_t column = footprint_.node_cells[k];
        if (profiles_.material(column, level - 1) != kVoidMaterial &&
            profiles_.layer(column, level - 1) != interface.lower)
          all_match = false;
        if (profiles_.material(column, level) != kVoidMaterial &&
            profiles_.layer(column, level) != interface.upper)
          all_match = false;
      }
      if (all_match) return true;
    }
    return false;
  }

  struct Ghost {
    std::int32_t local_node;  // index into local_nodes_
    std::int32_t level;
    std::int32_t copy;  // 0: the node, 1: its upper-side double
    std::int32_t owner;
  };

  // Assigns a local id: owned nodes count up; ghosts get -(index + 2) until all owned
  // nodes are known.
  std::int32_t claim(std::int32_t local_node, std::int32_t level, std::int32_t copy, int owner,
                     LocalMesh& mesh) {
    const auto& xy = footprint_.nodes[local_nodes_[local_node]];
    if (owner == rank_) {
      mesh.node_coords.push_back({xy[0], xy[1], layering_.z_levels[level]});
      mesh.node_footprint.push_back(local_nodes_[local_node]);
      mesh.node_line_slot.push_back(2 * level + copy);
      return static_cast<std::int32_t>(mesh.node_coords.size()) - 1;
    }
    ghosts_.push_back({local_node, level, copy, owner});
    return -static_cast<std::int32_t>(ghosts_.size()) - 1;
  }

  void number_nodes(LocalMesh& mesh) {
    std::size_t local_count = local_nodes_.size();
    // Upper bound of the local node count (plus doubles), so the coordinates never move.
    mesh.node_coords.reserve(local_count * (level_count_ + slot_count_));
    mesh.node_footprint.reserve(mesh.node_coords.capacity());
    mesh.node_line_slot.reserve(mesh.node_coords.capacity());
    mesh.footprint_node_count = footprint_.node_count();
    node_id_.assign(local_count * level_count_, -1);
    double_id_.assign(local_count * std::max(1, slot_count_), -1);
    for (std::size_t ln = 0; ln < local_count; ++ln) {
      std::int32_t node = local_nodes_[ln];
      for (std::int32_t level = 0; level < level_count_; ++level) {
        LevelUse use = level_use(node, level);
        std::size_t index = ln * level_count_ + level;
        std::int32_t local = static_cast<std::int32_t>(ln);
        if (use.doubled) {
          if (use.below_local) node_id_[index] = claim(local, level, 0, use.below_owner, mesh);
          if (use.above_local)
            double_id_[ln * slot_count_ + slot_of_level_[level]] =
                claim(local, level, 1, use.above_owner, mesh);
        } else if (use.below_local || use.above_local) {
          node_id_[index] =
              claim(local, level, 0, std::min(use.below_owner, use.above_owner), mesh);
        }
      }
    }
    mesh.owned_node_count = static_cast<std::int64_t>(mesh.node_coords.size());
    std::int32_t owned = static_cast<std::int32_t>(mesh.owned_node_count);
    auto resolve = [owned](std::int32_t& id) {
      if (id <= -2) id = owned + (-id - 2);
    };
    for (auto& id : node_id_) resolve(id);
    for (auto& id : double_id_) resolve(id);
    for (const Ghost& ghost : ghosts_) {
      const auto& xy = footprint_.nodes[local_nodes_[ghost.local_node]];
      mesh.node_coords.push_back({xy[0], xy[1], layering_.z_levels[ghost.level]});
      mesh.node_footprint.push_back(local_nodes_[ghost.local_node]);
      mesh.node_line_slot.push_back(2 * ghost.level + ghost.copy);
      mesh.ghost_owner_rank.push_back(ghost.owner);
    }
  }

  std::int32_t bottom_node(std::int32_t local_node, std::int32_t level) const {
    std::int32_t slot = slot_of_level_[level];
    if (slot >= 0) {
      std::int32_t doubled = double_id_[static_cast<std::size_t>(local_node) * slot_count_ + slot];
      if (doubled >= 0) return doubled;
    }
    return node_id_[static_cast<std::size_t>(local_node) * level_count_ + level];
  }

  std::int32_t top_node(std::int32_t local_node, std::int32_t level) const {
    return node_id_[static_cast<std::size_t>(local_node) * level_count_ + level];
  }

  // Conductor of each layer at a site for the innermost band (-1: none), cached per site.
  void load_site_conductors(std::int32_t site) {
    if (site == cached_site_) return;
    cached_site_ = site;
    site_conductor_.assign(geometry_.layers.size(), -1);
    site_conductor_radius_.assign(geometry_.layers.size(), 0.0);
    for (const auto& feature : geometry_.sites[site].features) {
      site_conductor_[feature.layer] = feature.conductor;
      site_conductor_radius_[feature.layer] = geometry_.arrays[feature.array].radius;
    }
  }

  void add_face(LocalMesh& mesh, std::int32_t cell, int face, std::int32_t tag) {
    mesh.surface_faces.push_back({cell, static_cast<std::int8_t>(face), tag});
  }

  void build_cells(LocalMesh& mesh) {
    std::int32_t intervals = level_count_ - 1;
    std::int64_t expected = 0;
    for (std::int32_t c : local_columns_)
      expected += profiles_.profile_cells[profiles_.column_profile[c]];
    mesh.cells.reserve(expected);
    // Faces: exterior ones plus each layer's top and bottom; two per cell is generous for
    // stacks of thin layers and avoids regrowing the largest array.
    mesh.surface_faces.reserve(2 * expected);
    for (auto* field : {&mesh.cell_material, &mesh.cell_layer, &mesh.cell_conductor,
                        &mesh.cell_column, &mesh.cell_zinterval})
      field->reserve(expected);
    constexpr std::int32_t kTop = 0, kBottom = 1, kSides = 2;
    std::size_t step = std::max<std::size_t>(1, local_columns_.size() / 20);
    for (std::size_t position = 0; position < local_columns_.size(); ++position) {
      if (position % step == 0)
        report(options_, 35 + static_cast<int>(55.0 * position / local_columns_.size()));
      std::int32_t column = local_columns_[position];
      std::int32_t site = footprint_.cell_site[column];
      double band_radius = footprint_.cell_band_radius[column];
      if (site >= 0) load_site_conductors(site);
      std::array<std::int32_t, 4> quad;
      for (int v = 0; v < 4; ++v) quad[v] = local_of_node_[footprint_.cells[column][v]];
      std::int32_t previous_cell = -1;
      for (std::int32_t k = 0; k < intervals; ++k) {
        std::int32_t material = profiles_.material(column, k);
        if (material == kVoidMaterial) {
          previous_cell = -1;
          continue;
        }
        std::int32_t layer = profiles_.layer(column, k);
        std::array<std::int32_t, 8> nodes;
        for (int v = 0; v < 4; ++v) {
          nodes[v] = bottom_node(quad[v], k);
          nodes[v + 4] = top_node(quad[v], k + 1);
        }
        std::int32_t cell = static_cast<std::int32_t>(mesh.cells.size());
        mesh.cells.push_back(nodes);
        mesh.cell_material.push_back(material_map_[material]);
        mesh.cell_layer.push_back(layer);
        std::int32_t conductor = -1;
        if (site >= 0 && site_conductor_[layer] >= 0 && band_radius < site_conductor_radius_[layer])
          conductor = site_conductor_[layer];
        mesh.cell_conductor.push_back(conductor);
        mesh.cell_column.push_back(column);
        mesh.cell_zinterval.push_back(k);

        // Exterior faces, then the layer's own top and bottom.
        if (k == 0 || profiles_.material(column, k - 1) == kVoidMaterial)
          add_face(mesh, cell, 0, kBottom);
        if (k + 1 == intervals || profiles_.material(column, k + 1) == kVoidMaterial)
          add_face(mesh, cell, 1, kTop);
        for (int e = 0; e < 4; ++e) {
          std::int32_t neighbour = footprint_.cell_neighbours[column][e];
          if (neighbour < 0 || profiles_.material(neighbour, k) == kVoidMaterial)
            add_face(mesh, cell, 2 + e, kSides);
        }
        if (layering_.layer_last_interval[layer] == k) add_face(mesh, cell, 1, 3 + 2 * layer);
        if (layering_.layer_first_interval[layer] == k) add_face(mesh, cell, 0, 4 + 2 * layer);

        if (previous_cell >= 0 && slot_of_level_[k] >= 0) {
          std::int32_t below_layer = profiles_.layer(column, k - 1);
          for (std::size_t i = 0; i < interfaces_.size(); ++i)
            if (interfaces_[i].level == k && interfaces_[i].lower == below_layer &&
                interfaces_[i].upper == layer)
              mesh.interface_faces.push_back({previous_cell, cell, static_cast<std::int32_t>(i)});
        }
        previous_cell = cell;
      }
    }
  }

  void exchange_ghost_numbers(LocalMesh& mesh) {
    std::int64_t owned = mesh.owned_node_count;
    std::int64_t begin = 0;
    MPI_Exscan(&owned, &begin, 1, MPI_INT64_T, MPI_SUM, comm_);
    if (rank_ == 0) begin = 0;
    mesh.owned_node_begin = begin;
    MPI_Allreduce(&owned, &mesh.global_node_count, 1, MPI_INT64_T, MPI_SUM, comm_);
    std::int64_t cells = mesh.local_cell_count();
    MPI_Allreduce(&cells, &mesh.global_cell_count, 1, MPI_INT64_T, MPI_SUM, comm_);

    mesh.node_global.resize(mesh.node_coords.size());
    for (std::int64_t n = 0; n < owned; ++n) mesh.node_global[n] = begin + n;

    // Requests grouped by owner rank, in ghost order within each owner.
    std::vector<int> send_counts(rank_count_, 0), send_offsets(rank_count_ + 1, 0);
    for (const Ghost& ghost : ghosts_) ++send_counts[ghost.owner];
    for (int r = 0; r < rank_count_; ++r) send_offsets[r + 1] = send_offsets[r] + send_counts[r];
    std::vector<std::int64_t> requests(ghosts_.size());
    std::vector<std::size_t> position_of_ghost(ghosts_.size());
    std::vector<int> fill(send_offsets.begin(), send_offsets.end() - 1);
    for (std::size_t g = 0; g < ghosts_.size(); ++g) {
      const Ghost& ghost = ghosts_[g];
      std::int64_t node = local_nodes_[ghost.local_node];
      position_of_ghost[g] = fill[ghost.owner]++;
      requests[position_of_ghost[g]] = (node * level_count_ + ghost.level) * 2 + ghost.copy;
    }
    std::vector<int> receive_counts(rank_count_), receive_offsets(rank_count_ + 1, 0);
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, comm_);
    for (int r = 0; r < rank_count_; ++r)
      receive_offsets[r + 1] = receive_offsets[r] + receive_counts[r];
    std::vector<std::int64_t> asked(receive_offsets.back());
    MPI_Alltoallv(requests.data(), send_counts.data(), send_offsets.data(), MPI_INT64_T,
                  asked.data(), receive_counts.data(), receive_offsets.data(), MPI_INT64_T, comm_);
    for (auto& key : asked) key = begin + owned_local_id(key, owned);
    std::vector<std::int64_t> answers(requests.size());
    MPI_Alltoallv(asked.data(), receive_counts.data(), receive_offsets.data(), MPI_INT64_T,
                  answers.data(), send_counts.data(), send_offsets.data(), MPI_INT64_T, comm_);
    for (std::size_t g = 0; g < ghosts_.size(); ++g)
      mesh.node_global[owned + g] = answers[position_of_ghost[g]];
  }

  // The local id of an owned node from its key (footprint node, level, copy).
  std::int64_t owned_local_id(std::int64_t key, std::int64_t owned) const {
    std::int32_t copy = static_cast<std::int32_t>(key % 2);
    std::int64_t rest = key / 2;
    std::int32_t level = static_cast<std::int32_t>(rest % level_count_);
    std::int32_t node = static_cast<std::int32_t>(rest / level_count_);
    std::int32_t local_node = local_of_node_[node];
    std::int32_t id = -1;
    if (local_node >= 0) {
      id = copy == 0 ? node_id_[static_cast<std::size_t>(local_node) * level_count_ + level]
                     : (slot_of_level_[level] >= 0
                            ? double_id_[static_cast<std::size_t>(local_node) * slot_count_ +
                                         slot_of_level_[level]]
                            : -1);
    }
    if (id < 0 || id >= owned)
      throw std::logic_error("mesh generator: a ghost node's owner does not own it");
    return id;
  }

  const StackGeometry& geometry_;
  const FootprintMesh& footprint_;
  const ZLayering& layering_;
  const ColumnProfiles& profiles_;
  const std::vector<std::int32_t>& column_rank_;
  const std::vector<std::int32_t>& material_map_;
  const std::vector<ResolvedInterface>& interfaces_;
  const MeshOptions& options_;
  MPI_Comm comm_;
  int rank_ = 0, rank_count_ = 1;
  std::int32_t level_count_ = 0;
  std::vector<std::int32_t> slot_of_level_;
  std::int32_t slot_count_ = 0;
  std::vector<std::int32_t> local_columns_;
  std::vector<std::int32_t> local_of_node_;  // footprint node -> index into local_nodes_
  std::vector<std::int32_t> local_nodes_;    // footprint nodes touching local columns
  std::vector<std::int32_t> node_id_;        // local_node * levels + level -> local node id
  std::vector<std::int32_t> double_id_;      // local_node * slots + slot -> upper-side double
  std::vector<Ghost> ghosts_;
  std::int32_t cached_site_ = -1;
  std::vector<std::int32_t> site_conductor_;
  std::vector<double> site_conductor_radius_;
};

void fill_shared_tables(const GeneratedMesh& generated,
                        const std::vector<ResolvedInterface>& interfaces, LocalMesh& mesh) {
  const StackGeometry& geometry = generated.geometry;
  for (std::size_t m = 0; m < geometry.materials.size(); ++m)
    if (generated.mesh_material_of[m] >= 0) mesh.material_names.push_back(geometry.materials[m]);
  for (const auto& layer : geometry.layers) mesh.layer_names.push_back(layer.name);
  mesh.conductors = geometry.conductors;
  mesh.z_levels = generated.layering.z_levels;
  mesh.surface_names = {"top", "bottom", "sides"};
  for (const auto& layer : geometry.layers) {
    mesh.surface_names.push_back(layer.name + ".top");
    mesh.surface_names.push_back(layer.name + ".bottom");
  }
  for (const auto& interface : interfaces)
    mesh.interface_names.push_back(geometry.layers[interface.lower].name + "|" +
                                   geometry.layers[interface.upper].name);
}

std::vector<std::int32_t> used_material_map(const StackGeometry& geometry,
                                            const ColumnProfiles& profiles) {
  std::vector<char> used(geometry.materials.size(), 0);
  for (std::int32_t material : profiles.profile_material)
    if (material >= 0) used[material] = 1;
  std::vector<std::int32_t> map(geometry.materials.size(), -1);
  std::int32_t next = 0;
  for (std::size_t m = 0; m < used.size(); ++m)
    if (used[m]) map[m] = next++;
  return map;
}

}  // namespace

GeneratedMesh generate_mesh(StackGeometry geometry, const MeshControls& controls,
                            const MeshOptions& options, MPI_Comm comm) {
  double start = MPI_Wtime();
  int rank_count = 1;
  MPI_Comm_size(comm, &rank_count);
  GeneratedMesh generated;
  generated.geometry = std::move(geometry);
  report(options, 5);

  generated.footprint = build_footprint_mesh(generated.geometry, controls);
  double footprint_done = MPI_Wtime();
  generated.timings.footprint = footprint_done - start;
  report(options, 20);

  generated.layering = compute_z_layering(generated.geometry, controls,
                                          effective_max_size(generated.geometry, controls));
  std::vector<ResolvedInterface> interfaces =
      resolve_interfaces(generated.geometry, generated.layering, options.split_interfaces);
  generated.profiles =
      classify_columns(generated.geometry, generated.footprint, generated.layering);
  generated.mesh_material_of = used_material_map(generated.geometry, generated.profiles);
  double classified = MPI_Wtime();
  generated.timings.classify = classified - footprint_done;
  report(options, 30);

  std::vector<std::int64_t> weights(generated.footprint.cells.size());
  for (std::size_t c = 0; c < weights.size(); ++c)
    weights[c] = generated.profiles.profile_cells[generated.profiles.column_profile[c]];
  generated.column_rank = partition_columns(generated.footprint, weights, rank_count);
  double partitioned = MPI_Wtime();
  generated.timings.partition = partitioned - classified;
  report(options, 35);

  fill_shared_tables(generated, interfaces, generated.mesh);
  Extruder(generated, interfaces, options, comm).build(generated.mesh, generated.timings);
  generated.timings.total = MPI_Wtime() - start;
  report(options, 100);
  return generated;
}

GeneratedMesh generate_mesh(const StackSpec& spec, const MeshControls& controls,
                            const MeshOptions& options, MPI_Comm comm) {
  double start = MPI_Wtime();
  report(options, 0);
  StackGeometry geometry = build_stack_geometry(spec);
  double geometry_time = MPI_Wtime() - start;
  GeneratedMesh generated = generate_mesh(std::move(geometry), controls, options, comm);
  generated.timings.geometry = geometry_time;
  generated.timings.total += geometry_time;
  return generated;
}

}  // namespace tsvfield::mesh
