#include "io/vtk_writer.hpp"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkIdTypeArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridWriter.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

// Text for an XML attribute value.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// --- The .pvtu index through VTK's parallel writer, without its piece writing ---

// vtkXMLPUnstructuredGridWriter normally writes the pieces of the ranks it runs
// on and then the index. Here every rank has already written (and renamed) its
// own piece, so this subclass skips the piece writing, declares all pieces
// present, and names them itself (VTK 9.1 cuts a base name at its first dot,
// "case_t1.5" -> "case_t1"): the writer then emits only the index, with the array
// declarations and the field data (name tables) of the input grid, rank 0's piece.
// (clang-format cannot parse vtkTypeMacro, which ends without a semicolon.)
// clang-format off
class PvtuIndexWriter : public vtkXMLPUnstructuredGridWriter {
 public:
  static PvtuIndexWriter* New();
  vtkTypeMacro(PvtuIndexWriter, vtkXMLPUnstructuredGridWriter)

 protected:
  PvtuIndexWriter() = default;
  ~PvtuIndexWriter() override = default;

  int WritePieceInternal() override {
    std::fill(this->PieceWrittenFlags, this->PieceWrittenFlags + this->NumberOfPieces, 1);
    return 1;
  }

  void WritePPieceAttributes(int index) override {
    const std::string source = PieceSource(PieceBaseName, index);
    this->WriteStringAttribute("Source", xml_escape(source).c_str());
  }

 public:
  // Piece i of an output named <base> is <base>/<base>_<i>.vtu beside the index.
  static std::string PieceSource(const std::string& base, int index) {
    return base + "/" + base + "_" + std::to_string(index) + ".vtu";
  }
  std::string PieceBaseName;

 private:
  PvtuIndexWriter(const PvtuIndexWriter&) = delete;
  void operator=(const PvtuIndexWriter&) = delete;
};
// clang-format on

vtkStandardNewMacro(PvtuIndexWriter);

// --- File names ---

struct PvtuNames {
  std::filesystem::path pvtu;         // <dir>/<base>.pvtu
  std::filesystem::path piece_dir;    // <dir>/<base>
  std::filesystem::path piece_local;  // this rank's piece: <dir>/<base>/<base>_<rank>.vtu
};

PvtuNames pvtu_names(const std::filesystem::path& path, int rank) {
  std::filesystem::path base_path = path;
  if (base_path.extension() == ".pvtu") base_path.replace_extension();
  const std::string base = base_path.filename().string();
  if (base.empty() || base == "." || base == "..") {
    throw std::invalid_argument("write_pvtu: '" + path.string() + "' does not name a file");
  }
  PvtuNames names;
  names.pvtu = base_path;
  names.pvtu += ".pvtu";
  names.piece_dir = base_path;
  names.piece_local = base_path.parent_path() / PvtuIndexWriter::PieceSource(base, rank);
  return names;
}

// --- Collective error handling ---

enum class FailureKind : int { kNone = 0, kInvalidArgument = 1, kRuntime = 2 };

struct LocalFailure {
  FailureKind kind = FailureKind::kNone;
  std::string message;
};

template <typename Action>
LocalFailure run_capturing(Action&& action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return {FailureKind::kInvalidArgument, error.what()};
  } catch (const std::exception& error) {
    return {FailureKind::kRuntime, error.what()};
  }
  return {};
}

// Every rank learns whether all succeeded; if not, every rank throws the error of
// the lowest failing rank, so no rank is left waiting in a later collective call.
void throw_if_any_failed(const LocalFailure& local, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int my_failing_rank = local.kind == FailureKind::kNone ? INT_MAX : rank;
  int first_failing_rank = INT_MAX;
  MPI_Allreduce(&my_failing_rank, &first_failing_rank, 1, MPI_INT, MPI_MIN, comm);
  if (first_failing_rank == INT_MAX) return;

  int header[2] = {static_cast<int>(local.kind), static_cast<int>(local.message.size())};
  MPI_Bcast(header, 2, MPI_INT, first_failing_rank, comm);
  std::string message = local.message;
  message.resize(static_cast<std::size_t>(header[1]));
  MPI_Bcast(message.data(), header[1], MPI_CHAR, first_failing_rank, comm);
  if (rank != first_failing_rank)
    message = "rank " + std::to_string(first_failing_rank) + ": " + message;
  if (static_cast<FailureKind>(header[0]) == FailureKind::kInvalidArgument) {
    throw std::invalid_argument(message);
  }
  throw std::runtime_error(message);
}

// --- Building the local grid ---

template <typename Field>
void check_field(const Field& field, std::int64_t tuple_count, const char* kind,
                 std::set<std::string>& used_names) {
  if (field.name.empty()) throw std::invalid_argument(std::string(kind) + " field without a name");
  if (!used_names.insert(field.name).second) {
    throw std::invalid_argument(std::string(kind) + " field name '" + field.name +
                                "' is used twice or is reserved");
  }
  if (field.components < 1) {
    throw std::invalid_argument(std::string(kind) + " field '" + field.name +
                                "' has components = " + std::to_string(field.components));
  }
  const std::size_t size =
      std::visit([](const auto& values) { return values.size(); }, field.values);
  const auto expected =
      static_cast<std::size_t>(tuple_count) * static_cast<std::size_t>(field.components);
  if (size != expected) {
    throw std::invalid_argument(std::string(kind) + " field '" + field.name + "' has " +
                                std::to_string(size) + " values, expected " +
                                std::to_string(expected) + " (" + std::to_string(tuple_count) +
                                " x " + std::to_string(field.components) + " components)");
  }
  if (const auto* numbers = std::get_if<std::vector<double>>(&field.values)) {
    const auto bad = std::find_if(numbers->begin(), numbers->end(),
                                  [](double value) { return !std::isfinite(value); });
    if (bad != numbers->end()) {
      throw std::invalid_argument(std::string(kind) + " field '" + field.name +
                                  "' holds a non-finite value at index " +
                                  std::to_string(bad - numbers->begin()));
    }
  }
}

template <typename Field>
vtkSmartPointer<vtkDataArray> make_array(const Field& field) {
  vtkSmartPointer<vtkDataArray> array;
  if (const auto* numbers = std::get_if<std::vector<double>>(&field.values)) {
    auto doubles = vtkSmartPointer<vtkDoubleArray>::New();
    doubles->SetNumberOfComponents(field.components);
    doubles->SetNumberOfValues(static_cast<vtkIdType>(numbers->size()));
    std::copy(numbers->begin(), numbers->end(), doubles->GetPointer(0));
    array = doubles;
  } else {
    const auto& integers = std::get<std::vector<std::int32_t>>(field.values);
    auto ints = vtkSmartPointer<vtkIntArray>::New();
    ints->SetNumberOfComponents(field.components);
    ints->SetNumberOfValues(static_cast<vtkIdType>(integers.size()));
    std::copy(integers.begin(), integers.end(), ints->GetPointer(0));
    array = ints;
  }
  array->SetName(field.name.c_str());
  return array;
}

vtkSmartPointer<vtkIntArray> make_int_cell_array(const char* name,
                                                 const std::vector<std::int32_t>& values,
                                                 std::int64_t cell_count) {
  if (static_cast<std::int64_t>(values.size()) != cell_count) {
    throw std::invalid_argument(std::string("LocalMesh: cell_") + name + " has " +
                                std::to_string(values.size()) + " entries for " +
                                std::to_string(cell_count) + " cells");
  }
  auto array = vtkSmartPointer<vtkIntArray>::New();
  array->SetName(name);
  array->SetNumberOfValues(static_cast<vtkIdType>(values.size()));
  std::copy(values.begin(), values.end(), array->GetPointer(0));
  return array;
}

vtkSmartPointer<vtkStringArray> make_name_table(const char* name,
                                                const std::vector<std::string>& entries) {
  auto array = vtkSmartPointer<vtkStringArray>::New();
  array->SetName(name);
  array->SetNumberOfValues(static_cast<vtkIdType>(entries.size()));
  for (std::size_t i = 0; i < entries.size(); ++i)
    array->SetValue(static_cast<vtkIdType>(i), entries[i]);
  return array;
}

void add_geometry(const mesh::LocalMesh& mesh, vtkUnstructuredGrid& grid) {
  const std::int64_t node_count = mesh.local_node_count();
  if (static_cast<std::int64_t>(mesh.node_global.size()) != node_count) {
    throw std::invalid_argument("LocalMesh: node_global has " +
                                std::to_string(mesh.node_global.size()) + " entries for " +
                                std::to_string(node_count) + " nodes");
  }
  vtkNew<vtkPoints> points;
  points->SetDataTypeToDouble();
  points->SetNumberOfPoints(node_count);
  for (std::int64_t i = 0; i < node_count; ++i) {
    const auto& xyz = mesh.node_coords[static_cast<std::size_t>(i)];
    points->SetPoint(i, xyz[0], xyz[1], xyz[2]);
  }
  grid.SetPoints(points);

  vtkNew<vtkCellArray> cells;
  cells->AllocateExact(mesh.local_cell_count(), 8 * mesh.local_cell_count());
  for (const auto& hex : mesh.cells) {
    vtkIdType ids[8];
    for (int corner = 0; corner < 8; ++corner) {
      if (hex[corner] < 0 || hex[corner] >= node_count) {
        throw std::invalid_argument("LocalMesh: a cell refers to local node " +
                                    std::to_string(hex[corner]) + " of " +
                                    std::to_string(node_count));
      }
      ids[corner] = hex[corner];
    }
    cells->InsertNextCell(8, ids);
  }
  grid.SetCells(VTK_HEXAHEDRON, cells);

  vtkNew<vtkIdTypeArray> global_ids;
  global_ids->SetName(kGlobalNodeIdArray);
  global_ids->SetNumberOfValues(node_count);
  for (std::int64_t i = 0; i < node_count; ++i) {
    global_ids->SetValue(i, static_cast<vtkIdType>(mesh.node_global[static_cast<std::size_t>(i)]));
  }
  grid.GetPointData()->SetGlobalIds(global_ids);
}

void add_builtin_cell_arrays(const mesh::LocalMesh& mesh, vtkUnstructuredGrid& grid) {
  const std::int64_t cell_count = mesh.local_cell_count();
  vtkCellData* cell_data = grid.GetCellData();
  cell_data->AddArray(make_int_cell_array("material", mesh.cell_material, cell_count));
  cell_data->AddArray(make_int_cell_array("layer", mesh.cell_layer, cell_count));
  cell_data->AddArray(make_int_cell_array("conductor", mesh.cell_conductor, cell_count));
  const std::vector<std::int32_t> rank_values(static_cast<std::size_t>(cell_count), mesh.rank);
  cell_data->AddArray(make_int_cell_array("rank", rank_values, cell_count));
}

void add_name_tables(const mesh::LocalMesh& mesh, vtkUnstructuredGrid& grid) {
  std::vector<std::string> conductor_names;
  conductor_names.reserve(mesh.conductors.size());
  for (const auto& conductor : mesh.conductors) conductor_names.push_back(conductor.name);
  vtkFieldData* field_data = grid.GetFieldData();
  field_data->AddArray(make_name_table("material_names", mesh.material_names));
  field_data->AddArray(make_name_table("layer_names", mesh.layer_names));
  field_data->AddArray(make_name_table("conductor_names", conductor_names));
}

vtkSmartPointer<vtkUnstructuredGrid> build_local_grid(const mesh::LocalMesh& mesh,
                                                      const std::vector<CellField>& cell_fields,
                                                      const std::vector<PointField>& point_fields) {
  std::set<std::string> cell_names(std::begin(kBuiltinCellArrays), std::end(kBuiltinCellArrays));
  for (const auto& field : cell_fields)
    check_field(field, mesh.local_cell_count(), "cell", cell_names);
  std::set<std::string> point_names = {kGlobalNodeIdArray};
  for (const auto& field : point_fields)
    check_field(field, mesh.local_node_count(), "point", point_names);

  auto grid = vtkSmartPointer<vtkUnstructuredGrid>::New();
  add_geometry(mesh, *grid);
  add_builtin_cell_arrays(mesh, *grid);
  for (const auto& field : cell_fields) grid->GetCellData()->AddArray(make_array(field));
  for (const auto& field : point_fields) grid->GetPointData()->AddArray(make_array(field));
  add_name_tables(mesh, *grid);
  return grid;
}

// --- Writing ---

// Binary, zlib-compressed, appended raw data with 64-bit headers (pieces over 4 GiB).
template <typename Writer>
void configure_binary_output(Writer& writer) {
  writer.SetDataModeToAppended();
  writer.SetEncodeAppendedData(false);
  writer.SetCompressorTypeToZLib();
  writer.SetHeaderTypeToUInt64();
  writer.SetIdTypeToInt64();
}

void write_piece(vtkUnstructuredGrid& grid, const std::filesystem::path& temp_path) {
  vtkNew<vtkXMLUnstructuredGridWriter> writer;
  configure_binary_output(*writer);
  writer->SetInputData(&grid);
  writer->SetFileName(temp_path.c_str());
  if (writer->Write() != 1 || writer->GetErrorCode() != 0) {
    throw std::runtime_error("VTK could not write '" + temp_path.string() + "'");
  }
}

std::string pvtu_index_text(vtkUnstructuredGrid& rank0_grid, const PvtuNames& names,
                            int piece_count) {
  vtkNew<PvtuIndexWriter> writer;
  configure_binary_output(*writer);
  writer->SetController(nullptr);
  writer->SetNumberOfPieces(piece_count);
  writer->SetStartPiece(0);
  writer->SetEndPiece(0);
  writer->PieceBaseName = names.piece_dir.filename().string();
  writer->SetInputData(&rank0_grid);
  writer->SetFileName(names.pvtu.c_str());  // not opened: the text goes to a string
  writer->WriteToOutputStringOn();
  if (writer->Write() != 1 || writer->GetErrorCode() != 0) {
    throw std::runtime_error("VTK could not produce the index '" + names.pvtu.string() + "'");
  }
  return writer->GetOutputString();
}

void create_piece_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("cannot create the folder '" + directory.string() +
                             "': " + (error ? error.message() : "not a folder"));
  }
}

// Removes pieces <base>_<i>.vtu with i >= piece_count, left by an earlier run on
// more ranks, so the folder holds exactly the pieces the index lists. Best effort:
// a file that cannot be removed is only clutter, never read through the index.
void remove_stale_pieces(const std::filesystem::path& piece_dir, int piece_count) {
  const std::string prefix = piece_dir.filename().string() + "_";
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  try {
    for (const auto& entry : std::filesystem::directory_iterator(piece_dir)) {
      const std::string name = entry.path().filename().string();
      if (name.size() <= prefix.size() + 4 || name.compare(0, prefix.size(), prefix) != 0 ||
          entry.path().extension() != ".vtu") {
        continue;
      }
      const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 4);
      if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), is_digit)) continue;
      std::error_code ignored;
      if (std::stoi(digits) >= piece_count) std::filesystem::remove(entry.path(), ignored);
    }
  } catch (const std::filesystem::filesystem_error&) {
    // the folder could not be listed: leave it as it is
  }
}

// This rank's piece (stage 1 of write_pvtu): its names, its grid (rank 0's also
// serves as the template of the index) and its file, not yet renamed.
struct LocalPiece {
  PvtuNames names;
  vtkSmartPointer<vtkUnstructuredGrid> grid;
  std::optional<AtomicFile> file;
};

void write_local_piece(const std::filesystem::path& path, const mesh::LocalMesh& mesh,
                       const std::vector<CellField>& cell_fields,
                       const std::vector<PointField>& point_fields, int rank, int rank_count,
                       LocalPiece& piece) {
  if (mesh.rank != rank || mesh.rank_count != rank_count) {
    throw std::invalid_argument("write_pvtu: the mesh is rank " + std::to_string(mesh.rank) +
                                " of " + std::to_string(mesh.rank_count) +
                                ", the communicator rank " + std::to_string(rank) + " of " +
                                std::to_string(rank_count));
  }
  piece.names = pvtu_names(path, rank);
  piece.grid = build_local_grid(mesh, cell_fields, point_fields);
  create_piece_directory(piece.names.piece_dir);
  piece.file.emplace(piece.names.piece_local);
  write_piece(*piece.grid, piece.file->temp_path());
}

}  // namespace

std::filesystem::path write_pvtu(const std::filesystem::path& path, const mesh::LocalMesh& mesh,
                                 const std::vector<CellField>& cell_fields,
                                 const std::vector<PointField>& point_fields, MPI_Comm comm) {
  int rank = 0;
  int rank_count = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &rank_count);

  // Stage 1: every rank writes its piece under a temporary name.
  LocalPiece piece;
  const LocalFailure piece_failure = run_capturing(
      [&] { write_local_piece(path, mesh, cell_fields, point_fields, rank, rank_count, piece); });
  throw_if_any_failed(piece_failure, comm);

  // Stage 2: all pieces are complete; rename them onto their final names.
  throw_if_any_failed(run_capturing([&] { piece.file->commit(); }), comm);

  // Stage 3: rank 0 writes the index, which now refers only to complete pieces.
  LocalFailure index_failure;
  if (rank == 0) {
    const PvtuNames& names = piece.names;
    index_failure = run_capturing([&] {
      write_file_atomically(names.pvtu, pvtu_index_text(*piece.grid, names, rank_count));
    });
    if (index_failure.kind == FailureKind::kNone) remove_stale_pieces(names.piece_dir, rank_count);
  }
  throw_if_any_failed(index_failure, comm);
  return piece.names.pvtu;
}

// --- PvdSeries ---

namespace {

std::string shortest_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) throw std::runtime_error("cannot format a number");
  return std::string(buffer, end);
}

}  // namespace

PvdSeries::PvdSeries(std::filesystem::path pvd_path) : pvd_path_(std::move(pvd_path)) {}

void PvdSeries::add(double time, const std::filesystem::path& file) {
  if (!std::isfinite(time))
    throw std::invalid_argument("PvdSeries: non-finite time for " + file.string());
  for (const auto& entry : entries_) {
    if (entry.time == time) {
      throw std::invalid_argument("PvdSeries: time " + shortest_text(time) + " is already in " +
                                  pvd_path_.string());
    }
  }
  // The .pvd names its datasets relative to its own folder.
  const std::filesystem::path pvd_folder =
      std::filesystem::absolute(pvd_path_).parent_path().lexically_normal();
  std::filesystem::path relative =
      std::filesystem::absolute(file).lexically_normal().lexically_relative(pvd_folder);
  if (relative.empty()) relative = std::filesystem::absolute(file).lexically_normal();
  entries_.push_back({time, relative.generic_string()});
  try {
    write_file_atomically(pvd_path_, to_xml());
  } catch (...) {
    entries_.pop_back();  // keep entries() equal to what the file on disk lists
    throw;
  }
}

std::string PvdSeries::to_xml() const {
  std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<VTKFile type=\"Collection\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
      "  <Collection>\n";
  for (const auto& entry : entries_) {
    xml += "    <DataSet timestep=\"" + shortest_text(entry.time) +
           "\" group=\"\" part=\"0\" file=\"" + xml_escape(entry.file) + "\"/>\n";
  }
  xml += "  </Collection>\n</VTKFile>\n";
  return xml;
}

}  // namespace tsvfield::io
