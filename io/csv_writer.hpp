#pragma once
// CSV tables (RFC 4180 quoting, '\n' line ends) for sweep results, per-die
// temperatures, RLGC tables. Column names carry their units
// ("frequency_Hz", "R_ohm_per_m"); numbers are printed with the shortest text that
// reads back to the same double; NaN and infinity are refused.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tsvfield::io {

// One table cell: a number or a text.
class CsvCell {
 public:
  CsvCell(double value);  // throws std::domain_error for NaN or infinity
  CsvCell(int value) : data_(static_cast<std::int64_t>(value)) {}
  CsvCell(long value) : data_(static_cast<std::int64_t>(value)) {}
  CsvCell(long long value) : data_(static_cast<std::int64_t>(value)) {}
  CsvCell(unsigned value) : data_(static_cast<std::int64_t>(value)) {}
  CsvCell(unsigned long value);       // throws std::out_of_range above INT64_MAX
  CsvCell(unsigned long long value);  // idem
  CsvCell(const char* text) : data_(std::string(text)) {}
  CsvCell(std::string text) : data_(std::move(text)) {}
  CsvCell(std::string_view text) : data_(std::string(text)) {}

  // The cell as it appears in the file (quoted if needed).
  std::string to_text() const;

 private:
  std::variant<double, std::int64_t, std::string> data_;
};

class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> column_names);

  // Appends a row; throws std::invalid_argument unless it has one cell per column.
  void add_row(std::vector<CsvCell> row);

  std::size_t column_count() const { return column_names_.size(); }
  std::size_t row_count() const { return rows_.size(); }

  // The header line and the rows, each ending with '\n'.
  std::string to_string() const;

  // Writes to_string() to `path`, atomically.
  void write(const std::filesystem::path& path) const;

 private:
  std::vector<std::string> column_names_;
  std::vector<std::vector<CsvCell>> rows_;
};

// `text` as a CSV field: unchanged, or enclosed in double quotes (inner quotes
// doubled) when it holds a comma, a quote, a line break, or leading/trailing blanks.
std::string csv_quote(std::string_view text);

}  // namespace tsvfield::io
