#include "io/yaml_input.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "io/text_match.hpp"

namespace tsvfield::io {

SourceRef source_of(const ReadContext& context, const YAML::Node& node, const std::string& path,
                    const YAML::Node& fallback) {
  SourceRef source{context.file, 0, 0, path};
  YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.is_null() && fallback.IsDefined()) mark = fallback.Mark();
  if (!mark.is_null()) {
    // yaml-cpp counts from 0; editors and compilers count from 1.
    source.line = mark.line + 1;
    source.column = mark.column + 1;
  }
  return source;
}

void throw_input_error(const ReadContext& context, const YAML::Node& node, const std::string& path,
                       const std::string& message) {
  throw InputError(source_of(context, node, path), message);
}

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string key_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string read_string(const ReadContext& context, const YAML::Node& node,
                        const std::string& path) {
  if (!node.IsScalar())
    throw_input_error(context, node, path, "expected a string, found " + describe_node(node));
  return node.Scalar();
}

std::string read_identifier(const ReadContext& context, const YAML::Node& node,
                            const std::string& path) {
  if (!node.IsScalar())
    throw_input_error(context, node, path, "expected a name, found " + describe_node(node));
  const std::string& name = node.Scalar();
  const auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), allowed) &&
                     !std::isdigit(static_cast<unsigned char>(name.front())) && name.front() != '-';
  if (!valid)
    throw_input_error(context, node, path,
                      "expected a name of letters, digits, '_' and '-' (not starting with a digit "
                      "or '-'), found '" +
                          name + "'");
  return name;
}

double read_quantity(const ReadContext& context, const YAML::Node& node, const std::string& path,
                     Dimension dimension, Sign sign) {
  if (!node.IsScalar()) {
    std::string expected = "expected " + dimension_description(dimension);
    if (dimension != Dimension::dimensionless) expected += " (" + accepted_units(dimension) + ")";
    throw_input_error(context, node, path, expected + ", found " + describe_node(node));
  }
  double value = 0;
  try {
    value = parse_quantity(node.Scalar(), dimension);
  } catch (const UnitError& error) {
    throw_input_error(context, node, path, error.what());
  }
  if (sign == Sign::positive && !(value > 0))
    throw_input_error(context, node, path,
                      "expected a positive value, found '" + node.Scalar() + "'");
  if (sign == Sign::non_negative && value < 0)
    throw_input_error(context, node, path, "expected a value >= 0, found '" + node.Scalar() + "'");
  return value;
}

int read_integer(const ReadContext& context, const YAML::Node& node, const std::string& path,
                 int minimum) {
  const std::string expected = "expected an integer >= " + std::to_string(minimum);
  if (!node.IsScalar())
    throw_input_error(context, node, path, expected + ", found " + describe_node(node));
  const std::string& text = node.Scalar();
  const char* first = text.data() + (text.starts_with('+') ? 1 : 0);
  int value = 0;
  const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < minimum)
    throw_input_error(context, node, path, expected + ", found '" + text + "'");
  return value;
}

bool read_bool(const ReadContext& context, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) {
    std::string word = node.Scalar();
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "true" || word == "yes" || word == "on") return true;
    if (word == "false" || word == "no" || word == "off") return false;
  }
  throw_input_error(context, node, path, "expected true or false, found " + describe_node(node));
}

YAML::Node read_list(const ReadContext& context, const YAML::Node& node, const std::string& path) {
  if (!node.IsSequence())
    throw_input_error(context, node, path, "expected a list, found " + describe_node(node));
  return node;
}

std::pair<double, double> read_quantity_pair(const ReadContext& context, const YAML::Node& node,
                                             const std::string& path, Dimension dimension,
                                             Sign sign, bool allow_single) {
  if (allow_single && node.IsScalar()) {
    const double value = read_quantity(context, node, path, dimension, sign);
    return {value, value};
  }
  if (!node.IsSequence() || node.size() != 2) {
    const std::string expected = std::string(allow_single ? "expected a value or " : "expected ") +
                                 "a list of two values [x, y] (" + accepted_units(dimension) + ")";
    std::string found = describe_node(node);
    if (node.IsSequence()) found = "a list of " + std::to_string(node.size());
    throw_input_error(context, node, path, expected + ", found " + found);
  }
  return {read_quantity(context, node[0], index_path(path, 0), dimension, sign),
          read_quantity(context, node[1], index_path(path, 1), dimension, sign)};
}

std::vector<std::string> read_string_list(const ReadContext& context, const YAML::Node& node,
                                          const std::string& path) {
  if (!node.IsSequence())
    throw_input_error(context, node, path,
                      "expected a list of names, found " + describe_node(node));
  std::vector<std::string> words;
  for (std::size_t i = 0; i < node.size(); ++i)
    words.push_back(read_string(context, node[i], index_path(path, i)));
  return words;
}

void check_map(const ReadContext& context, const YAML::Node& node, const std::string& path) {
  if (!node.IsMap())
    throw_input_error(context, node, path, "expected a map, found " + describe_node(node));
  std::vector<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar())
      throw_input_error(context, entry.first, path,
                        "expected a key name, found " + describe_node(entry.first));
    const std::string& key = entry.first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      throw_input_error(context, entry.first, key_path(path, key), "duplicate key '" + key + "'");
    seen.push_back(key);
  }
}

MapReader::MapReader(const ReadContext& context, const YAML::Node& node, std::string path,
                     std::vector<std::string> allowed_keys)
    : context_(context),
      node_(node),
      path_(std::move(path)),
      allowed_keys_(std::move(allowed_keys)) {
  check_map(context_, node_, path_);
  for (const auto& entry : node_) {
    const std::string& key = entry.first.Scalar();
    if (std::find(allowed_keys_.begin(), allowed_keys_.end(), key) != allowed_keys_.end()) continue;
    std::string message = "unknown key '" + key + "'";
    const std::string suggestion = did_you_mean(key, allowed_keys_);
    message += suggestion.empty() ? " (expected one of: " + join_names(allowed_keys_, 40) + ")"
                                  : suggestion;
    throw_input_error(context_, entry.first, key_path(path_, key), message);
  }
}

void MapReader::check_allowed(const std::string& key) const {
  if (std::find(allowed_keys_.begin(), allowed_keys_.end(), key) == allowed_keys_.end())
    throw std::logic_error("MapReader: key '" + key + "' read from " + path_ +
                           " is not in its allowed keys");
}

bool MapReader::has(const std::string& key) {
  return optional(key).IsDefined();
}

YAML::Node MapReader::optional(const std::string& key) {
  check_allowed(key);
  for (const auto& entry : node_)
    if (entry.first.Scalar() == key) return entry.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::required(const std::string& key) {
  const YAML::Node value = optional(key);
  if (!value.IsDefined())
    throw_input_error(context_, node_, path_, "missing required key '" + key + "'");
  return value;
}

void MapReader::reject(const std::string& key, const std::string& reason) {
  check_allowed(key);
  for (const auto& entry : node_)
    if (entry.first.Scalar() == key)
      throw_input_error(context_, entry.first, path(key), "'" + key + "' does not apply " + reason);
}

std::string MapReader::string(const std::string& key) {
  return read_string(context_, required(key), path(key));
}

std::string MapReader::string_or(const std::string& key, const std::string& fallback) {
  const YAML::Node value = optional(key);
  return value.IsDefined() ? read_string(context_, value, path(key)) : fallback;
}

std::string MapReader::identifier(const std::string& key) {
  return read_identifier(context_, required(key), path(key));
}

double MapReader::quantity(const std::string& key, Dimension dimension, Sign sign) {
  return read_quantity(context_, required(key), path(key), dimension, sign);
}

double MapReader::quantity_or(const std::string& key, Dimension dimension, Sign sign,
                              double fallback) {
  const YAML::Node value = optional(key);
  return value.IsDefined() ? read_quantity(context_, value, path(key), dimension, sign) : fallback;
}

int MapReader::integer_or(const std::string& key, int minimum, int fallback) {
  const YAML::Node value = optional(key);
  return value.IsDefined() ? read_integer(context_, value, path(key), minimum) : fallback;
}

bool MapReader::boolean_or(const std::string& key, bool fallback) {
  const YAML::Node value = optional(key);
  return value.IsDefined() ? read_bool(context_, value, path(key)) : fallback;
}

}  // namespace tsvfield::io
