#pragma once
// Reading YAML nodes with checked types and units. Every failure throws
// tsvfield::InputError at the node's position ("case.yaml:7:16: stack.layers[1].
// thickness: expected a length (nm, um, mm, cm, m), found '5 W'").
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/units.hpp"
#include "mesh/input_error.hpp"

namespace tsvfield::io {

// What every reading function needs to know to report errors and find files.
struct ReadContext {
  std::string file;      // case file label for messages (path as given)
  std::string base_dir;  // folder that relative file names are resolved against
};

// Position of `node` (1-based), or of `fallback` when `node` carries no mark.
SourceRef source_of(const ReadContext& context, const YAML::Node& node, const std::string& path,
                    const YAML::Node& fallback = YAML::Node());

[[noreturn]] void throw_input_error(const ReadContext& context, const YAML::Node& node,
                                    const std::string& path, const std::string& message);

// "a map", "a list", "nothing" or the scalar in quotes: the "found ..." of messages.
std::string describe_node(const YAML::Node& node);

// "stack.layers" + 3 -> "stack.layers[3]"; "stack" + "layers" -> "stack.layers".
std::string index_path(const std::string& path, std::size_t index);
std::string key_path(const std::string& path, const std::string& key);

enum class Sign { any, non_negative, positive };

// Typed readers of one node; `path` names it in messages.
std::string read_string(const ReadContext& context, const YAML::Node& node,
                        const std::string& path);
// A name usable in patterns and surface names: letters, digits, '_' and '-', not
// starting with a digit or '-'.
std::string read_identifier(const ReadContext& context, const YAML::Node& node,
                            const std::string& path);
double read_quantity(const ReadContext& context, const YAML::Node& node, const std::string& path,
                     Dimension dimension, Sign sign = Sign::any);
int read_integer(const ReadContext& context, const YAML::Node& node, const std::string& path,
                 int minimum);
bool read_bool(const ReadContext& context, const YAML::Node& node, const std::string& path);
// A YAML list (possibly empty); anything else is an error.
YAML::Node read_list(const ReadContext& context, const YAML::Node& node, const std::string& path);
// `value` or [x, y]: a quantity for both directions or one per direction.
std::pair<double, double> read_quantity_pair(const ReadContext& context, const YAML::Node& node,
                                             const std::string& path, Dimension dimension,
                                             Sign sign, bool allow_single);
std::vector<std::string> read_string_list(const ReadContext& context, const YAML::Node& node,
                                          const std::string& path);

// One of a fixed set of words, e.g. kind: die.
template <typename Enum>
Enum read_choice(const ReadContext& context, const YAML::Node& node, const std::string& path,
                 const std::vector<std::pair<std::string, Enum>>& choices);

// The node must be a map with scalar keys, each key once.
void check_map(const ReadContext& context, const YAML::Node& node, const std::string& path);

// A YAML map with a fixed set of allowed keys. The constructor rejects a node that
// is not a map, duplicate keys and unknown keys (suggesting the closest allowed
// key), so a misspelt key is reported before the key it was meant to be is
// missed. Asking for a key outside the allowed set is a programming error.
class MapReader {
 public:
  MapReader(const ReadContext& context, const YAML::Node& node, std::string path,
            std::vector<std::string> allowed_keys);

  const ReadContext& context() const { return context_; }
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string path(const std::string& key) const { return key_path(path_, key); }
  SourceRef source() const { return source_of(context_, node_, path_); }

  bool has(const std::string& key);
  YAML::Node optional(const std::string& key);  // undefined node when absent
  YAML::Node required(const std::string& key);  // error "missing required key" when absent

  // Convenience: required / defaulted typed values of a key.
  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  std::string identifier(const std::string& key);
  double quantity(const std::string& key, Dimension dimension, Sign sign = Sign::any);
  double quantity_or(const std::string& key, Dimension dimension, Sign sign, double fallback);
  int integer_or(const std::string& key, int minimum, int fallback);
  bool boolean_or(const std::string& key, bool fallback);
  template <typename Enum>
  Enum choice_or(const std::string& key, const std::vector<std::pair<std::string, Enum>>& choices,
                 Enum fallback) {
    const YAML::Node value = optional(key);
    return value ? read_choice(context_, value, path(key), choices) : fallback;
  }

  // Rejects `key` when present: it does not go with the value of another key,
  // e.g. "'h' does not apply to type: temperature".
  void reject(const std::string& key, const std::string& reason);

 private:
  void check_allowed(const std::string& key) const;

  const ReadContext& context_;
  YAML::Node node_;
  std::string path_;
  std::vector<std::string> allowed_keys_;
};

template <typename Enum>
Enum read_choice(const ReadContext& context, const YAML::Node& node, const std::string& path,
                 const std::vector<std::pair<std::string, Enum>>& choices) {
  const std::string word = read_string(context, node, path);
  std::vector<std::string> words;
  for (const auto& [name, value] : choices) {
    if (name == word) return value;
    words.push_back(name);
  }
  std::string expected;
  for (std::size_t i = 0; i < words.size(); ++i)
    expected += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  throw_input_error(context, node, path, "expected " + expected + ", found '" + word + "'");
}

}  // namespace tsvfield::io
