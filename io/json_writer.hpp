#pragma once
// A small JSON value builder and writer for summary.json, the resolved case and
// the run metadata. Objects keep their keys in insertion order (files read in
// the order they were written), numbers are printed with the shortest text that
// reads back to the same double, and non-finite numbers are refused at the point
// where they enter the document, so a NaN never reaches an output file.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tsvfield::io {

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;  // null
  JsonValue(std::nullptr_t) {}
  JsonValue(bool value) : data_(value) {}
  JsonValue(int value) : data_(static_cast<std::int64_t>(value)) {}
  JsonValue(long value) : data_(static_cast<std::int64_t>(value)) {}
  JsonValue(long long value) : data_(static_cast<std::int64_t>(value)) {}
  JsonValue(unsigned value) : data_(static_cast<std::int64_t>(value)) {}
  JsonValue(unsigned long value);       // throws std::out_of_range above INT64_MAX
  JsonValue(unsigned long long value);  // idem
  JsonValue(double value);              // throws std::domain_error for NaN or infinity
  JsonValue(const char* value) : data_(std::string(value)) {}
  JsonValue(std::string value) : data_(std::move(value)) {}
  JsonValue(std::string_view value) : data_(std::string(value)) {}

  static JsonValue array() { return JsonValue(Array{}); }
  static JsonValue object() { return JsonValue(Object{}); }
  static JsonValue array(const std::vector<double>& values);  // each value checked as above
  static JsonValue array(const std::vector<std::string>& values);

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(data_); }
  bool is_object() const { return std::holds_alternative<Object>(data_); }
  bool is_array() const { return std::holds_alternative<Array>(data_); }

  // Object: sets `key` (replacing an existing value, keeping its position).
  // Returns *this so calls chain. A null becomes an empty object first; any other
  // non-object throws std::logic_error.
  JsonValue& set(const std::string& key, JsonValue value);
  // Array: appends. A null becomes an empty array first; any other non-array
  // throws std::logic_error.
  JsonValue& push(JsonValue value);
  // Object: the value stored under `key`, inserted as null if absent, so nesting
  // reads doc["mesh"].set("cells", 12). A null becomes an empty object first; any
  // other non-object throws std::logic_error.
  JsonValue& operator[](const std::string& key);

  // The document as text; indent > 0 pretty-prints with that many spaces per
  // level, indent == 0 writes it on one line. Ends without a newline.
  std::string dump(int indent = 2) const;

 private:
  explicit JsonValue(Array value) : data_(std::move(value)) {}
  explicit JsonValue(Object value) : data_(std::move(value)) {}
  void dump_to(std::string& out, int indent, int depth) const;

  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> data_ =
      nullptr;
};

// The JSON text of a string, quotes included, with ", \ and control characters escaped.
std::string json_quote(std::string_view text);

// The shortest decimal text that reads back to exactly `value` (always with a '.'
// or an exponent, so it reads back as a floating-point number). Throws
// std::domain_error for NaN or infinity.
std::string json_number(double value);

// Writes value.dump(2) plus a final newline to `path`, atomically.
void write_json_file(const std::filesystem::path& path, const JsonValue& value);

}  // namespace tsvfield::io
