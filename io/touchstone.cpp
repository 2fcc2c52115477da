// Touchstone 1.1 writer: `# GHz S RI R <z0>`, the data layout of the 1.1 format
// for the port count, port names in `!` comments, written atomically.
#include "io/touchstone.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

using solver::Complex;
using solver::ComplexMatrix;

constexpr int kPairsPerLine = 4;  // 1.1: at most 4 pairs per line from 5 ports on

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// 12 significant digits of the frequency in GHz (sub-Hz resolution up to 100 GHz).
std::string format_frequency_GHz(double frequency_Hz) {
  return format("%.12g", frequency_Hz * 1e-9);
}

// 16 significant digits: S round-trips to ~1e-16, far below any check on it.
std::string format_pair(Complex value) {
  return format("%.15e", value.real()) + " " + format("%.15e", value.imag());
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("Touchstone file " + path + ": " + what);
}

void validate(const std::string& path, const TouchstoneData& data) {
  if (data.s.empty()) fail(path, "no frequencies");
  if (data.s.size() != data.frequencies_Hz.size())
    fail(path, std::to_string(data.frequencies_Hz.size()) + " frequencies but " +
                   std::to_string(data.s.size()) + " S-matrices");
  const int ports = data.s.front().rows();
  if (ports < 1) fail(path, "S-matrix has no ports");
  if (lower(std::filesystem::path(path).extension().string()) != touchstone_extension(ports))
    fail(path, "extension must be " + touchstone_extension(ports) + " for " +
                   std::to_string(ports) + " ports");
  if (!std::isfinite(data.reference_impedance_ohm) || data.reference_impedance_ohm <= 0)
    fail(path,
         "reference impedance must be > 0, got " + std::to_string(data.reference_impedance_ohm));
  if (!data.port_names.empty() && data.port_names.size() != static_cast<std::size_t>(ports))
    fail(path, std::to_string(data.port_names.size()) + " port names for " + std::to_string(ports) +
                   " ports");
  double previous_GHz = -1;
  for (std::size_t k = 0; k < data.s.size(); ++k) {
    const double frequency = data.frequencies_Hz[k];
    if (!std::isfinite(frequency) || frequency < 0)
      fail(path, "frequency " + std::to_string(k) + " is negative or not finite");
    // Compare what is written: two frequencies equal to 12 digits are not ascending.
    const double written_GHz = std::strtod(format_frequency_GHz(frequency).c_str(), nullptr);
    if (k > 0 && !(written_GHz > previous_GHz))
      fail(path, "frequencies must be strictly ascending (to 12 digits in GHz) at index " +
                     std::to_string(k) + " (" + format("%.17g", frequency) + " Hz)");
    previous_GHz = written_GHz;
    const ComplexMatrix& s = data.s[k];
    if (s.rows() != ports || s.cols() != ports)
      fail(path, "S-matrix " + std::to_string(k) + " is " + std::to_string(s.rows()) + "x" +
                     std::to_string(s.cols()) + ", expected " + std::to_string(ports) + "x" +
                     std::to_string(ports));
    for (const Complex& v : s.data())
      if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
        fail(path, "S-matrix at " + format("%.12g", frequency) + " Hz has a non-finite entry");
  }
}

// "! text" for every line of `text` (a comment must not spill onto a data line).
void write_comment(std::ostream& out, const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out << "! " << line << '\n';
    any = true;
  }
  if (!any) out << "!\n";
}

void write_header(std::ostream& out, const TouchstoneData& data, int ports) {
  const std::string z0 = format("%.12g", data.reference_impedance_ohm);
  out << "! Touchstone 1.1 file written by tsvfield\n";
  out << "! " << ports << "-port S-parameters, real and imaginary parts, every port referred to "
      << z0 << " ohm\n";
  if (ports == 2)
    out << "! Data per frequency: f S11 S21 S12 S22\n";
  else if (ports <= 4)
    out << "! Data per frequency: one matrix row per line, the frequency on the first\n";
  else
    out << "! Data per frequency: each matrix row starts a new line, at most 4 pairs per line\n";
  for (std::size_t p = 0; p < data.port_names.size(); ++p)
    out << "! Port[" << p + 1 << "] = " << data.port_names[p] << '\n';
  for (const std::string& comment : data.comments) write_comment(out, comment);
  out << "# GHz S RI R " << z0 << '\n';
}

void write_frequency(std::ostream& out, double frequency_Hz, const ComplexMatrix& s) {
  const int ports = s.rows();
  const std::string frequency = format_frequency_GHz(frequency_Hz);
  if (ports <= 2) {
    out << frequency;
    // 1.1 orders a 2-port line 11 21 12 22 (column-major).
    for (int col = 0; col < ports; ++col)
      for (int row = 0; row < ports; ++row) out << ' ' << format_pair(s(row, col));
    out << '\n';
    return;
  }
  const std::string indent(frequency.size(), ' ');
  for (int row = 0; row < ports; ++row)
    for (int col = 0; col < ports; ++col) {
      if (col % kPairsPerLine == 0) out << (row == 0 && col == 0 ? frequency : indent);
      out << ' ' << format_pair(s(row, col));
      // 3 and 4 ports: one row per line; from 5 on, wrap after 4 pairs.
      if (col + 1 == ports || (ports > 4 && (col + 1) % kPairsPerLine == 0)) out << '\n';
    }
}

}  // namespace

std::string touchstone_extension(int ports) {
  if (ports < 1) throw std::invalid_argument("touchstone_extension: port count must be >= 1");
  return ".s" + std::to_string(ports) + "p";
}

void write_touchstone(const std::string& path, const TouchstoneData& data) {
  validate(path, data);
  const int ports = data.s.front().rows();
  std::ostringstream text;
  write_header(text, data, ports);
  for (std::size_t k = 0; k < data.s.size(); ++k)
    write_frequency(text, data.frequencies_Hz[k], data.s[k]);
  write_file_atomically(path, text.str());
}

}  // namespace tsvfield::io
