#pragma once
// Touchstone file of one uniform (possibly coupled) line section plus the JSON
// side file that tests/si/check_touchstone_skrf.py reads to recompute the
// S-matrix on its own (scipy.linalg.expm of the same RLGC). Reusable by any test
// that wants an independently checked .sNp of a known line.
#include <filesystem>

#include "io/json_writer.hpp"
#include "physics/transmission_line.hpp"

namespace tsvfield::test {

struct LineTouchstoneFiles {
  std::filesystem::path touchstone;   // <stem>.s<2N>p
  std::filesystem::path expectation;  // <stem>.json
};

// The expectation JSON of check_touchstone_skrf.py for one line section: ports,
// reference impedance, frequencies, port names, and a one-element "chain" with
// the section's length and per-frequency R, L, G, C (N x N nested lists, SI units).
io::JsonValue line_expectation_json(const physics::SectionRlgcSweep& section, double z0_ohm);

// Computes S (physics::line_chain_matrix, scattering_from_chain) at every
// frequency of `section` and writes <stem>.s<2N>p and <stem>.json. Port names are
// "<signal>.near" (ports 1..N) and "<signal>.far" (N+1..2N), as the driver names them.
LineTouchstoneFiles write_line_touchstone(const std::filesystem::path& stem,
                                          const physics::SectionRlgcSweep& section, double z0_ohm);

}  // namespace tsvfield::test
