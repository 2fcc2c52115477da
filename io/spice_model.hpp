#pragma once
// SPICE models of the coupled TSV lines (docs/file-formats.md, "SPICE models").
//
// 1. The RLGC ladder (physics/ladder_model) as a `.subckt` in SPICE3 syntax that
//    runs in ngspice and HSPICE alike (R, L, C, K, zero-volt V and H elements):
//      .subckt <name> p1 ... pN pN+1 ... p2N ref
//    p1..pN the near (bottom) ends of signals 1..N, pN+1..p2N their far (top) ends
//    (the tsvfield port order), ref the ground return. The header states the case,
//    sections, segments, the frequency the ladder is valid to and the formulas of
//    every element value.
// 2. The HSPICE W element (ngspice has none), one W element per line section:
//    - an RLGC file per section (N; Lo; Co; Ro; Go; Rs; Gd, each matrix as its
//      lower triangle row by row), least-squares fits of
//      R(f) = Ro + sqrt(f) Rs, G(f) = Go + f Gd, L(f) = Lo + Rs / (2 pi sqrt(f)),
//      C(f) = Co over the sweep;
//    - a tabular model (.MODEL ... W MODELTYPE=TABLE with SP tables of R, L, G, C
//      at every sweep frequency), which unlike the RLGC form follows C(f) and G(f)
//      of lossy silicon;
//    - a netlist with two subcircuits cascading the sections' W elements (one
//      with RLGCfile=, one with TABLEMODEL=), same pins as the ladder.
// Every file is written atomically (io/atomic_file).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "physics/ladder_model.hpp"
#include "physics/transmission_line.hpp"

namespace tsvfield::io {

// `text` made a safe SPICE name: letters, digits and '_' kept, others -> '_',
// a leading digit prefixed with "x", lower case; empty -> "tsv".
std::string spice_identifier(std::string_view text);

// The ladder subcircuit.
std::string ladder_subcircuit_text(const physics::LadderModel& ladder,
                                   const std::string& subcircuit_name,
                                   const std::string& case_name);

// W-element RLGC parameters of one section, N x N row-major, per unit length.
struct WElementRlgc {
  int conductors = 0;
  double length_m = 0;
  std::string layer;
  std::vector<double> Lo, Co, Ro, Go, Rs, Gd;
  // Largest relative misfit over the sweep (|fit - data| / max |data| per matrix).
  double r_fit_error = 0, l_fit_error = 0, g_fit_error = 0, c_fit_error = 0;
};

// Least-squares fit over the section's sweep (diagonals of Ro, Rs, Go, Gd kept
// non-negative). Throws std::invalid_argument for an empty sweep.
WElementRlgc fit_w_element_rlgc(const physics::SectionRlgcSweep& section);

std::string w_element_rlgc_file_text(const WElementRlgc& rlgc, const std::string& case_name);

// .MODEL statements of the tabular W model of one section, named `model_name`
// (its SP tables `<model_name>_r`, `_l`, `_g`, `_c`).
std::string w_element_table_model_text(const physics::SectionRlgcSweep& section,
                                       const std::string& model_name);

struct SpiceModelFiles {
  std::filesystem::path ladder;                   // <stem>_ladder.sp
  std::filesystem::path w_netlist;                // <stem>_w.sp
  std::vector<std::filesystem::path> rlgc_files;  // <stem>_<k>_<layer>.rlgc
};

// Writes every SPICE file into `directory` (which must exist). Subcircuit names:
// <stem>_ladder, <stem>_w_rlgc, <stem>_w_table. Throws std::runtime_error when a
// file cannot be written.
SpiceModelFiles write_spice_models(const std::filesystem::path& directory, const std::string& stem,
                                   const std::string& case_name, const physics::LadderModel& ladder,
                                   const std::vector<physics::SectionRlgcSweep>& sections);

}  // namespace tsvfield::io
