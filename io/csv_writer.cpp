#include "io/csv_writer.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

std::string shortest_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) throw std::runtime_error("cannot format a number for CSV");
  return std::string(buffer, end);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

std::string csv_quote(std::string_view text) {
  const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!text.empty() && (is_blank(text.front()) || is_blank(text.back())));
  if (!needs_quotes) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

CsvCell::CsvCell(double value) : data_(value) {
  if (!std::isfinite(value)) {
    throw std::domain_error("CSV cell: refusing to write a non-finite number (NaN or infinity)");
  }
}

CsvCell::CsvCell(unsigned long value) : CsvCell(static_cast<unsigned long long>(value)) {}

CsvCell::CsvCell(unsigned long long value) : data_(std::int64_t{0}) {
  if (value > static_cast<unsigned long long>(INT64_MAX)) {
    throw std::out_of_range("CSV cell: integer " + std::to_string(value) + " is too large");
  }
  data_ = static_cast<std::int64_t>(value);
}

std::string CsvCell::to_text() const {
  if (const auto* number = std::get_if<double>(&data_)) return shortest_text(*number);
  if (const auto* integer = std::get_if<std::int64_t>(&data_)) return std::to_string(*integer);
  return csv_quote(std::get<std::string>(data_));
}

CsvTable::CsvTable(std::vector<std::string> column_names) : column_names_(std::move(column_names)) {
  if (column_names_.empty()) throw std::invalid_argument("CSV table needs at least one column");
}

void CsvTable::add_row(std::vector<CsvCell> row) {
  if (row.size() != column_names_.size()) {
    throw std::invalid_argument("CSV row has " + std::to_string(row.size()) +
                                " cells, the table has " + std::to_string(column_names_.size()) +
                                " columns");
  }
  rows_.push_back(std::move(row));
}

std::string CsvTable::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < column_names_.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_quote(column_names_[i]);
  }
  out += '\n';
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += row[i].to_text();
    }
    out += '\n';
  }
  return out;
}

void CsvTable::write(const std::filesystem::path& path) const {
  write_file_atomically(path, to_string());
}

}  // namespace tsvfield::io
