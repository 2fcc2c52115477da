#include "io/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <system_error>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

void append_newline_and_indent(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

std::int64_t checked_int64(unsigned long long value) {
  if (value > static_cast<unsigned long long>(INT64_MAX)) {
    throw std::out_of_range("JSON integer " + std::to_string(value) + " exceeds the 64-bit range");
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::string json_number(double value) {
  if (!std::isfinite(value)) {
    throw std::domain_error("JSON cannot represent a non-finite number (NaN or infinity)");
  }
  char buffer[64];
  // std::to_chars without a precision gives the shortest round-trip representation.
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) throw std::runtime_error("cannot format a number for JSON");
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string json_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;  // UTF-8 bytes pass through unchanged
        }
    }
  }
  out += '"';
  return out;
}

JsonValue::JsonValue(unsigned long value) : data_(checked_int64(value)) {}
JsonValue::JsonValue(unsigned long long value) : data_(checked_int64(value)) {}

JsonValue::JsonValue(double value) : data_(value) {
  json_number(value);  // validates: throws for NaN/inf here, where the value enters
}

JsonValue JsonValue::array(const std::vector<double>& values) {
  JsonValue result = array();
  for (const double value : values) result.push(JsonValue(value));
  return result;
}

JsonValue JsonValue::array(const std::vector<std::string>& values) {
  JsonValue result = array();
  for (const auto& value : values) result.push(JsonValue(value));
  return result;
}

JsonValue& JsonValue::set(const std::string& key, JsonValue value) {
  (*this)[key] = std::move(value);
  return *this;
}

JsonValue& JsonValue::push(JsonValue value) {
  if (is_null()) data_ = Array{};
  auto* elements = std::get_if<Array>(&data_);
  if (elements == nullptr)
    throw std::logic_error("JsonValue::push on a value that is not an array");
  elements->push_back(std::move(value));
  return *this;
}

JsonValue& JsonValue::operator[](const std::string& key) {
  if (is_null()) data_ = Object{};
  auto* members = std::get_if<Object>(&data_);
  if (members == nullptr) {
    throw std::logic_error("JsonValue: key '" + key + "' used on a value that is not an object");
  }
  for (auto& [member_key, member_value] : *members) {
    if (member_key == key) return member_value;
  }
  members->emplace_back(key, JsonValue());
  return members->back().second;
}

std::string JsonValue::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

void JsonValue::dump_to(std::string& out, int indent, int depth) const {
  if (std::holds_alternative<std::nullptr_t>(data_)) {
    out += "null";
  } else if (const auto* flag = std::get_if<bool>(&data_)) {
    out += *flag ? "true" : "false";
  } else if (const auto* integer = std::get_if<std::int64_t>(&data_)) {
    out += std::to_string(*integer);
  } else if (const auto* number = std::get_if<double>(&data_)) {
    out += json_number(*number);
  } else if (const auto* text = std::get_if<std::string>(&data_)) {
    out += json_quote(*text);
  } else if (const auto* elements = std::get_if<Array>(&data_)) {
    if (elements->empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < elements->size(); ++i) {
      if (i > 0) out += ',';
      append_newline_and_indent(out, indent, depth + 1);
      (*elements)[i].dump_to(out, indent, depth + 1);
    }
    append_newline_and_indent(out, indent, depth);
    out += ']';
  } else if (const auto* members = std::get_if<Object>(&data_)) {
    if (members->empty()) {
      out += "{}";
      return;
    }
    out += '{';
    for (std::size_t i = 0; i < members->size(); ++i) {
      if (i > 0) out += ',';
      append_newline_and_indent(out, indent, depth + 1);
      out += json_quote((*members)[i].first);
      out += indent > 0 ? ": " : ":";
      (*members)[i].second.dump_to(out, indent, depth + 1);
    }
    append_newline_and_indent(out, indent, depth);
    out += '}';
  }
}

void write_json_file(const std::filesystem::path& path, const JsonValue& value) {
  write_file_atomically(path, value.dump(2) + "\n");
}

}  // namespace tsvfield::io
