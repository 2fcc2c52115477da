#pragma once
// ParaView output through the VTK library: one binary, zlib-compressed .vtu piece
// per rank plus a .pvtu index, and .pvd collections for time series and sweeps.
//
// Layout of write_pvtu("out/thermal", ...) on N ranks:
//   out/thermal.pvtu                 the index, written last by rank 0
//   out/thermal/thermal_<r>.vtu      rank r's cells, owned and ghost nodes
// (the layout of VTK's parallel writer with UseSubdirectory). Every file is
// written to a temporary name and renamed; the pieces are renamed only once all
// ranks have written theirs, and the index only after that, so a .pvtu on disk
// always refers to complete pieces of the same output. Pieces <base>_<i>.vtu with
// i >= N, left by an earlier run on more ranks, are removed after the index.
//
// Every piece carries the cell arrays material, layer, conductor, rank (int) and
// the point array global_node_id (the nodes' global ids, set as VTK GlobalIds),
// and field data (string arrays) material_names, layer_names and
// conductor_names (repeated in the index), so entry i of material_names is the
// name of material id i. A piece holds its rank's ghost nodes too, so ParaView
// counts each node once per rank that uses it (global_node_id tells them apart).
// Field names carry their units: temperature_K, heat_flux_W_m2, potential_V.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "mesh/local_mesh.hpp"

namespace tsvfield::io {

// Values of a field, component-interleaved: tuple i is values[i*components ...].
using FieldValues = std::variant<std::vector<double>, std::vector<std::int32_t>>;

// One value tuple per local cell.
struct CellField {
  std::string name;  // with units, e.g. "heat_source_W_m3"
  FieldValues values;
  int components = 1;
};

// One value tuple per local node, owned and ghost (ghost values must be current).
struct PointField {
  std::string name;  // with units, e.g. "temperature_K"
  FieldValues values;
  int components = 1;
};

// Names of the arrays every piece carries besides the caller's fields; a caller
// field with one of these names is refused.
inline constexpr const char* kBuiltinCellArrays[] = {"material", "layer", "conductor", "rank"};
inline constexpr const char* kGlobalNodeIdArray = "global_node_id";

// Writes the distributed mesh with its fields as a .pvtu plus one .vtu per rank.
// Collective over `comm` (whose size must equal mesh.rank_count). `path` may end
// in ".pvtu" or have no extension. Returns the path of the .pvtu. Throws on every
// rank if any rank fails: std::invalid_argument for a field of the wrong size, a
// duplicate or reserved name, or a NaN/infinite value; std::runtime_error for
// file-system failures. If a rank fails before the renames, no existing file is
// touched; the index is only replaced once every piece has been.
std::filesystem::path write_pvtu(const std::filesystem::path& path, const mesh::LocalMesh& mesh,
                                 const std::vector<CellField>& cell_fields,
                                 const std::vector<PointField>& point_fields, MPI_Comm comm);

// A .pvd collection (time series, or a parameter sweep with the parameter as
// "time"), rewritten atomically after each add() so it is valid at every moment
// of a run. Not collective: use it on one rank (rank 0).
class PvdSeries {
 public:
  struct Entry {
    double time = 0;
    std::string file;  // relative to the .pvd's folder, '/'-separated
  };

  explicit PvdSeries(std::filesystem::path pvd_path);

  // Records `file` (a .pvtu or .vtu path as the caller would open it) at `time`
  // and rewrites the .pvd. Throws std::invalid_argument for a non-finite or
  // repeated time, std::runtime_error if the file cannot be written.
  void add(double time, const std::filesystem::path& file);

  const std::vector<Entry>& entries() const { return entries_; }
  const std::filesystem::path& path() const { return pvd_path_; }
  std::string to_xml() const;

 private:
  std::filesystem::path pvd_path_;
  std::vector<Entry> entries_;
};

}  // namespace tsvfield::io
