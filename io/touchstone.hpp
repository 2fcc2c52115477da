#pragma once
// Touchstone 1.1 (.sNp) output of scattering matrices: `# GHz S RI R <z0>`,
// frequencies ascending, data laid out as the 1.1 format requires for the port
// count (2-port: one line per frequency in the order 11 21 12 22; 3 and 4 ports:
// one matrix row per line; 5 ports and more: at most 4 pairs per line, each row
// starting a new line). Port names and the case go into `!` comments.
#include <string>
#include <vector>

#include "solver/dense_complex.hpp"

namespace tsvfield::io {

struct TouchstoneData {
  std::vector<double> frequencies_Hz;    // strictly ascending
  std::vector<solver::ComplexMatrix> s;  // per frequency, P x P
  double reference_impedance_ohm = 50;
  std::vector<std::string> port_names;  // P names, written as comments
  std::vector<std::string> comments;    // free lines written as "! ..."
};

// ".s<P>p" for P ports.
std::string touchstone_extension(int ports);
// Writes atomically (temporary name, then rename). Throws std::runtime_error when
// the data is inconsistent (sizes, non-ascending frequencies, non-finite values)
// or the file cannot be written; the extension of `path` must match the ports.
void write_touchstone(const std::string& path, const TouchstoneData& data);

}  // namespace tsvfield::io
