#pragma once
// What a signal-integrity run reports (physics::SignalIntegrityResults): the text
// printed at the end of the run, the CSV tables (per-unit-length RLGC of every
// section, S-parameters in dB and degrees) and the `si` object of summary.json.
// Plain formatting of the results; no solver code here. Port order as everywhere
// (physics/transmission_line.hpp): ports 1..N the near (bottom) ends of signals
// 1..N, ports N+1..2N their far (top) ends.
#include <complex>
#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "io/csv_writer.hpp"
#include "io/json_writer.hpp"
#include "physics/signal_integrity.hpp"

namespace tsvfield::io {

// A scattering matrix is reported passive when its largest singular value is at
// most 1 + kPassivityTolerance (rounding of the chain-matrix products), and
// reciprocal when max |S_ij - S_ji| is at most kReciprocityTolerance.
inline constexpr double kPassivityTolerance = 1e-9;
inline constexpr double kReciprocityTolerance = 1e-6;

// 20 log10 |value|, with |value| below 1e-15 written as -300 dB (never -inf).
double magnitude_dB(std::complex<double> value);
// The phase of `value` in degrees, (-180, 180]; 0 for 0.
double phase_deg(std::complex<double> value);

// The printed report: per section its layer, length, cross-section cells, the
// outermost conductor cell against the skin depth ("resolved up to X GHz", and a
// WARNING line when the skin depth is not resolved at the top of the sweep) and
// the solver iterations; per section a table of R, L, G, C (diagonal and first
// off-diagonal entries) at a few frequencies (the sweep's first and last, and the
// sweep points nearest to the report frequencies); per report frequency and
// signal the insertion loss, return loss and worst NEXT and FEXT in dB; and the
// passivity and reciprocity of the S-matrices (a WARNING line when either fails).
void print_si_report(std::ostream& out, const physics::SignalIntegrityResults& results);

// Indices of the sweep points the RLGC tables show (printed and in the review
// report): the first, the last and the points nearest to each report frequency,
// ascending, each once.
std::vector<std::size_t> table_frequency_indices(const physics::SignalIntegrityResults& results);

// "si_rlgc_<layer>.csv": one row per frequency and matrix entry (every i, j):
// frequency_Hz, row, column (signal names), R_ohm_per_m, L_H_per_m, G_S_per_m,
// C_F_per_m.
std::string si_rlgc_file_name(const physics::SectionResult& section);
CsvTable si_rlgc_table(const physics::SectionResult& section);
// "si_sparameters.csv": one row per frequency: frequency_Hz, then for every
// entry (row i, column j, 1-based ports, row-major) S<i>_<j>_dB and S<i>_<j>_deg.
inline constexpr const char* kSiSparameterFile = "si_sparameters.csv";
CsvTable si_sparameter_table(const physics::SignalIntegrityResults& results);
// Writes every table above into `directory` (atomically, each file) and returns
// the file names written, in order: the sections bottom to top, then the
// S-parameters.
std::vector<std::string> write_si_csv_tables(const std::filesystem::path& directory,
                                             const physics::SignalIntegrityResults& results);

// The `si` object of summary.json:
//   frequencies_Hz;
//   R_ohm_per_m, L_H_per_m, G_S_per_m, C_F_per_m: per frequency an N x N matrix
//     (an array of rows) of the LONGEST section (the first one if several are
//     equally long), named by rlgc_layer: the one line a single set of
//     per-unit-length parameters describes best; every section is in `sections`;
//   rlgc_layer;
//   sections: per section (bottom to top) layer, length_m, signals,
//     cross_section_cells, conductor_surface_cell_m, skin_depth_resolved_to_Hz
//     (null when infinite: no skin effect to resolve), skin_depth_resolved (at the
//     top of the sweep), impedance_solver and
//     admittance_solver {unknowns, min_iterations, max_iterations, seconds}, and
//     its own R, L, G, C as above;
//   total_length_m, signals, ports (2N names in port order), reference_impedance_ohm;
//   end_corrections: {near, far: {G_S, C_F}} (N x N), null when off;
//   report: per report frequency and signal {frequency_Hz, signal (name),
//     insertion_loss_dB, return_loss_dB, worst_next_dB, worst_fext_dB} (-300 dB:
//     no aggressor);
//   passivity: {max_singular_value, passive}; reciprocity: {max_error, reciprocal};
//   touchstone: `touchstone_file` (the file name the caller wrote; null if empty).
JsonValue si_summary_json(const physics::SignalIntegrityResults& results,
                          const std::string& touchstone_file);

}  // namespace tsvfield::io
