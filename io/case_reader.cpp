// The case reader's top level: parse the YAML, then read section by section
// (materials first, so the stack can check material names; the stack before the
// sections that name its layers).
#include "io/case_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/case_sections.hpp"

namespace tsvfield::io {
namespace detail {

std::string resolve_input_file(const ReadContext& context, const YAML::Node& node,
                               const std::string& path, const std::string& what) {
  const std::string name = read_string(context, node, path);
  std::filesystem::path file(name);
  if (file.is_relative()) file = std::filesystem::path(context.base_dir) / file;
  file = file.lexically_normal();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw_input_error(context, node, path,
                      what + " '" + name + "' not found (looked for '" + file.string() + "')");
  return file.string();
}

mesh::MeshControls read_mesh_controls(const ReadContext& context, const YAML::Node& node) {
  mesh::MeshControls controls;
  if (!node.IsDefined()) return controls;
  MapReader map(context, node, "mesh",
                {"circle_segments", "max_size", "growth", "liner_layers", "conductor_rings",
                 "outer_rings", "max_z_size"});
  controls.circle_segments = map.integer_or("circle_segments", 4, controls.circle_segments);
  if (controls.circle_segments % 4 != 0)
    throw_input_error(context, map.optional("circle_segments"), map.path("circle_segments"),
                      "expected a multiple of 4 (the O-grid has four sides), found '" +
                          map.optional("circle_segments").Scalar() + "'");
  controls.max_size =
      map.quantity_or("max_size", Dimension::length, Sign::non_negative, controls.max_size);
  controls.growth =
      map.quantity_or("growth", Dimension::dimensionless, Sign::positive, controls.growth);
  if (controls.growth < 1)
    throw_input_error(
        context, map.optional("growth"), map.path("growth"),
        "expected a growth ratio >= 1, found '" + map.optional("growth").Scalar() + "'");
  controls.liner_layers = map.integer_or("liner_layers", 1, controls.liner_layers);
  controls.conductor_rings = map.integer_or("conductor_rings", 1, controls.conductor_rings);
  controls.outer_rings = map.integer_or("outer_rings", 0, controls.outer_rings);
  controls.max_z_size =
      map.quantity_or("max_z_size", Dimension::length, Sign::non_negative, controls.max_z_size);
  return controls;
}

namespace {

OutputSpec read_output(const ReadContext& context, const YAML::Node& node) {
  OutputSpec output;
  if (!node.IsDefined()) return output;
  MapReader map(context, node, "output", {"directory", "vtk", "csv", "report"});
  output.directory = map.string_or("directory", output.directory);
  if (output.directory.empty())
    throw_input_error(context, map.optional("directory"), map.path("directory"),
                      "expected a directory name, found an empty string");
  output.vtk = map.boolean_or("vtk", output.vtk);
  output.csv = map.boolean_or("csv", output.csv);
  output.report = map.boolean_or("report", output.report);
  return output;
}

void split_words(const std::string& text, std::vector<std::string>& words) {
  std::istringstream stream(text);
  for (std::string word; stream >> word;) words.push_back(word);
}

// A string "-ksp_rtol 1e-10 -pc_type hypre" or a list of such strings.
std::vector<std::string> read_petsc_options(const ReadContext& context, const YAML::Node& node) {
  const std::string path = "petsc_options";
  std::vector<std::string> words;
  if (!node.IsDefined()) return words;
  if (node.IsScalar()) {
    split_words(node.Scalar(), words);
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      split_words(read_string(context, node[i], index_path(path, i)), words);
  } else {
    throw_input_error(
        context, node, path,
        "expected a string or a list of strings of PETSc options, found " + describe_node(node));
  }
  if (!words.empty() && !words.front().starts_with("-"))
    throw_input_error(context, node, path,
                      "expected PETSc options starting with '-' (e.g. '-ksp_rtol 1e-10'), found '" +
                          words.front() + "'");
  return words;
}

YAML::Node parse_yaml(const std::string& yaml_text, const std::string& file_label) {
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    SourceRef where{file_label, 0, 0, ""};
    if (!error.mark.is_null()) {
      where.line = error.mark.line + 1;
      where.column = error.mark.column + 1;
    }
    throw InputError(where, "YAML syntax error: " + error.msg);
  }
}

Case read_sections(const ReadContext& context, const YAML::Node& root) {
  MapReader map(
      context, root, "",
      {"name", "description", "materials", "mesh", "stack", "power", "boundary_conditions",
       "interface_resistances", "analyses", "output", "petsc_options"});
  Case result;
  result.file = context.file;
  result.name = map.identifier("name");
  result.description = map.string_or("description", "");
  result.materials = read_materials(context, map.optional("materials"));
  result.mesh = read_mesh_controls(context, map.optional("mesh"));
  if (!map.has("stack")) map.required("stack");
  result.stack = read_stack(context, map.optional("stack"), result.materials);
  result.thermal.power = read_power(context, map.optional("power"), result.stack);
  result.thermal.boundaries =
      read_boundaries(context, map.optional("boundary_conditions"), result.stack);
  result.thermal.interfaces =
      read_interfaces(context, map.optional("interface_resistances"), result.stack);
  read_analyses(context, map.optional("analyses"), result);
  result.output = read_output(context, map.optional("output"));
  result.petsc_options = read_petsc_options(context, map.optional("petsc_options"));
  return result;
}

}  // namespace
}  // namespace detail

Case read_case_text(const std::string& yaml_text, const std::string& file_label,
                    const std::string& base_dir) {
  const ReadContext context{file_label, base_dir.empty() ? "." : base_dir};
  const YAML::Node root = detail::parse_yaml(yaml_text, file_label);
  if (!root.IsMap())
    throw InputError(source_of(context, root, ""),
                     "expected a map of sections (name, stack, ...), found " + describe_node(root));
  try {
    return detail::read_sections(context, root);
  } catch (const YAML::Exception& error) {
    // Reading never converts with as<>, so this is unexpected; still report it as input.
    SourceRef where{file_label, error.mark.line + 1, error.mark.column + 1, ""};
    throw InputError(where, std::string("cannot read the case: ") + error.what());
  }
}

Case read_case_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw InputError({path, 0, 0, ""}, "cannot read the case file: it is a directory");
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    throw InputError({path, 0, 0, ""},
                     std::string("cannot open the case file: ") + std::strerror(errno));
  std::ostringstream text;
  text << stream.rdbuf();
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  return read_case_text(text.str(), path, base_dir);
}

}  // namespace tsvfield::io
