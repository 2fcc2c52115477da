#include "io/spice_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

using physics::LadderCell;
using physics::LadderModel;
using physics::LadderSection;
using physics::LumpedShunt;
using physics::RcBranch;
using physics::SectionRlgcSweep;

constexpr double kTwoPi = 2 * std::numbers::pi;

// A number as SPICE reads it (plain exponent notation, no scale suffix); a NaN or
// infinity would make a netlist no simulator reads, so it is refused here.
std::string number(double value) {
  if (!std::isfinite(value)) throw std::runtime_error("SPICE model: non-finite element value");
  char text[40];
  std::snprintf(text, sizeof text, "%.12g", value);
  return text;
}

std::string node(const std::string& prefix, int a) {
  return prefix + std::to_string(a);
}
std::string node(const std::string& prefix, int a, int b) {
  return prefix + std::to_string(a) + "_" + std::to_string(b);
}
std::string node(const std::string& prefix, int a, int b, int c) {
  return node(prefix, a, b) + "_" + std::to_string(c);
}

std::vector<std::string> port_pins(int conductors, bool far_end) {
  std::vector<std::string> pins;
  for (int i = 0; i < conductors; ++i)
    pins.push_back(node("p", i + 1 + (far_end ? conductors : 0)));
  return pins;
}

std::string pin_list(int conductors) {
  std::string pins;
  for (int p = 1; p <= 2 * conductors; ++p) pins += " p" + std::to_string(p);
  return pins + " ref";
}

void write_port_comments(std::ostringstream& out, const std::vector<std::string>& signals,
                         int conductors) {
  if (conductors == 1) {
    out << "* Pins (tsvfield port order): p1 near (bottom) end, p2 far (top) end, ref the ground "
           "return.\n";
  } else {
    out << "* Pins (tsvfield port order): p1..p" << conductors << " near (bottom) ends, p"
        << conductors + 1 << "..p" << 2 * conductors << " far (top) ends, ref the ground return.\n";
  }
  for (int i = 0; i < conductors; ++i) {
    const std::string name =
        i < static_cast<int>(signals.size()) ? signals[i] : "signal" + std::to_string(i + 1);
    out << "*   p" << i + 1 << " = " << name << ".near, p" << conductors + i + 1 << " = " << name
        << ".far\n";
  }
}

// ---- Ladder netlist -----------------------------------------------------------------

bool has_mutual_resistance(const LadderSection& section, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j && section.R_ohm_per_m[static_cast<std::size_t>(i) * n + j] != 0) return true;
  return false;
}

// One series cell (cell number `c`): per conductor R, L, then (with a common
// return) a zero-volt sense source and one H source per other conductor, from
// rail `from` to rail `to`; K couplings between the inductors.
void write_series_cell(std::ostringstream& out, const LadderSection& section, int n, int c,
                       double length_m, const std::vector<std::string>& from,
                       const std::vector<std::string>& to) {
  const bool mutual_r = has_mutual_resistance(section, n);
  auto at = [n](int i, int j) { return static_cast<std::size_t>(i) * n + j; };
  for (int i = 0; i < n; ++i) {
    struct Hop {
      std::string name, value;
    };
    std::vector<Hop> hops;
    const double r = section.R_ohm_per_m[at(i, i)] * length_m;
    const double l = section.L_H_per_m[at(i, i)] * length_m;
    if (r > 0) hops.push_back({node("RS", c, i + 1), number(r)});
    if (l > 0) hops.push_back({node("LS", c, i + 1), number(l)});
    if (mutual_r || hops.empty()) hops.push_back({node("VS", c, i + 1), "0"});
    if (mutual_r)
      for (int j = 0; j < n; ++j)
        if (j != i && section.R_ohm_per_m[at(i, j)] != 0)
          hops.push_back(
              {node("HS", c, i + 1, j + 1),
               node("VS", c, j + 1) + " " + number(section.R_ohm_per_m[at(i, j)] * length_m)});
    std::string current = from[i];
    for (std::size_t h = 0; h < hops.size(); ++h) {
      const std::string next =
          h + 1 == hops.size() ? to[i] : node("s", c, i + 1, static_cast<int>(h) + 1);
      out << hops[h].name << " " << current << " " << next << " " << hops[h].value << "\n";
      current = next;
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j) {
      const double lii = section.L_H_per_m[at(i, i)], ljj = section.L_H_per_m[at(j, j)];
      const double lij = section.L_H_per_m[at(i, j)];
      if (lij == 0 || !(lii > 0) || !(ljj > 0)) continue;
      out << node("KS", c, i + 1, j + 1) << " " << node("LS", c, i + 1) << " "
          << node("LS", c, j + 1) << " " << number(lij / std::sqrt(lii * ljj)) << "\n";
    }
}

// One shunt cell: every Maxwell branch of the fitted network, scaled to its length.
void write_shunt_cell(std::ostringstream& out, const LadderSection& section, int n, int c,
                      double length_m, const std::vector<std::string>& rail) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      const RcBranch branch = section.shunt.branch(i, j).scaled(length_m);
      const std::string a = rail[i], b = i == j ? "ref" : rail[j];
      if (branch.conductance_S != 0)
        out << node("RP", c, i + 1, j + 1) << " " << a << " " << b << " "
            << number(1 / branch.conductance_S) << "\n";
      if (branch.capacitance_F != 0)
        out << node("CP", c, i + 1, j + 1) << " " << a << " " << b << " "
            << number(branch.capacitance_F) << "\n";
      for (std::size_t k = 0; k < branch.series_resistance_ohm.size(); ++k) {
        const std::string inner = node("q", c, i + 1, j + 1) + "_" + std::to_string(k + 1);
        const std::string suffix = std::to_string(c) + "_" + std::to_string(i + 1) + "_" +
                                   std::to_string(j + 1) + "_" + std::to_string(k + 1);
        out << "RQ" << suffix << " " << a << " " << inner << " "
            << number(branch.series_resistance_ohm[k]) << "\n";
        out << "CQ" << suffix << " " << inner << " " << b << " "
            << number(branch.series_capacitance_F[k]) << "\n";
      }
    }
}

// A lumped Maxwell shunt (end correction) at the port pins: branch to ref
// sum_j M_ij, between i and j -M_ij (negative values kept: they are the data).
void write_lumped_shunt(std::ostringstream& out, const LumpedShunt& shunt, const std::string& tag,
                        const std::vector<std::string>& rail) {
  const int n = shunt.conductors;
  auto branch = [n](const std::vector<double>& m, int i, int j) {
    if (i != j) return -m[static_cast<std::size_t>(i) * n + j];
    double sum = 0;
    for (int k = 0; k < n; ++k) sum += m[static_cast<std::size_t>(i) * n + k];
    return sum;
  };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      const std::string a = rail[i], b = i == j ? "ref" : rail[j];
      const double g = branch(shunt.G_S, i, j), c = branch(shunt.C_F, i, j);
      if (g != 0)
        out << node("R" + tag, i + 1, j + 1) << " " << a << " " << b << " " << number(1 / g)
            << "\n";
      if (c != 0)
        out << node("C" + tag, i + 1, j + 1) << " " << a << " " << b << " " << number(c) << "\n";
    }
}

void write_ladder_header(std::ostringstream& out, const LadderModel& ladder,
                         const std::string& case_name) {
  const int n = ladder.conductors;
  const physics::LadderValidity& validity = ladder.validity;
  out << "* tsvfield RLGC ladder model of coupled TSV lines (SPICE3 / ngspice / HSPICE syntax)\n";
  out << "* Case: " << case_name << "\n";
  write_port_comments(out, ladder.signal_names, n);
  out << "* Valid to " << number(validity.valid_to_Hz)
      << " Hz: up to there every signal's insertion loss ("
      << number(validity.reference_impedance_ohm) << " ohm ports) is within "
      << number(validity.tolerance_dB)
      << " dB of the exact multiconductor line (checked at every sweep frequency).\n";
  out << "* Built for a maximum frequency of " << number(ladder.max_frequency_Hz) << " Hz"
      << (ladder.automatic_segments ? " (segments: lambda/10 there, refined if needed)" : "")
      << ".\n";
  if (validity.valid_to_Hz < ladder.max_frequency_Hz)
    out << "* WARNING: the ladder is NOT valid up to the maximum frequency; use more segments.\n";
  double worst_in_band = 0;
  for (std::size_t k = 0; k < validity.frequencies_Hz.size(); ++k)
    if (validity.frequencies_Hz[k] <= validity.valid_to_Hz)
      worst_in_band = std::max(worst_in_band, validity.insertion_loss_error_dB[k]);
  out << "* Largest insertion-loss difference up to that frequency: " << number(worst_in_band)
      << " dB.\n";
  out << "* Sections (bottom to top):\n";
  for (const LadderSection& section : ladder.sections)
    out << "*   " << section.layer << ": length " << number(section.length_m) << " m, "
        << section.segments << " segments, R and L at " << number(section.series_frequency_Hz)
        << " Hz, shunt fit: " << section.shunt.pole_frequencies_Hz.size() << " candidate poles, "
        << section.shunt.signed_branches << " branch(es) with signed elements, max relative error "
        << number(section.shunt.max_relative_error) << " (at "
        << number(section.shunt.worst_frequency_Hz) << " Hz)\n";
  out << "* Topology: each section of length l in n segments of dl = l/n, T cells\n"
         "*   (R dl/2, L dl/2) - shunt network(dl) - (R dl/2, L dl/2), adjacent halves merged.\n"
         "* Element values (R, L, G, C per unit length of the section, N x N):\n"
         "*   RS = R_ii x, LS = L_ii x (x = dl or dl/2), KS = L_ij / sqrt(L_ii L_jj);\n"
         "*   with a common return, VS (0 V) senses I_j and HS = R_ij x adds R_ij x I_j to line "
         "i.\n"
         "*   Shunt network: Maxwell branches of Y(f) = G(f) + j w C(f) (i to ref: sum_j Y_ij;\n"
         "*   i to j: -Y_ij), each fitted over the sweep as y(s) = g0 + s c_inf + sum_k s/(R_k + "
         "1/(s C_k))\n"
         "*   (non-negative least squares on poles 1/(R_k C_k) log-spaced over the sweep,\n"
         "*   the poles kept then moved to minimise the misfit):\n"
         "*   RP = 1/(g0 dl), CP = c_inf dl, RQ = R_k/dl in series with CQ = C_k dl.\n"
         "*   All elements >= 0, except in branches between conductors whose admittance is not\n"
         "*   an RC function (counted per section above): negative R, C there (AC use).\n"
         "*   End corrections: RN/CN (near) and RF/CF (far) from the Maxwell matrices G, C.\n";
  out << "* tsvfield-ladder: signals=" << n << " valid_to_Hz=" << number(validity.valid_to_Hz)
      << " max_frequency_Hz=" << number(ladder.max_frequency_Hz)
      << " tolerance_dB=" << number(validity.tolerance_dB) << "\n";
}

// ---- W element ------------------------------------------------------------------------

// Least squares of data ~ a + b t over the points (t scaled for conditioning).
std::pair<double, double> fit_line(const std::vector<double>& t, const std::vector<double>& data) {
  const double n = static_cast<double>(t.size());
  double t_scale = 0;
  for (double value : t) t_scale = std::max(t_scale, std::abs(value));
  if (t_scale == 0 || t.size() < 2) {
    double mean = 0;
    for (double value : data) mean += value / n;
    return {mean, 0};
  }
  double st = 0, stt = 0, sd = 0, std_ = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double u = t[k] / t_scale;
    st += u;
    stt += u * u;
    sd += data[k];
    std_ += u * data[k];
  }
  const double det = n * stt - st * st;
  if (std::abs(det) <= 1e-14 * n * stt) return {sd / n, 0};
  const double slope = (n * std_ - st * sd) / det;
  return {(sd - slope * st) / n, slope / t_scale};
}

// As fit_line, with both coefficients kept >= 0 (diagonals: resistance, conductance).
std::pair<double, double> fit_line_non_negative(const std::vector<double>& t,
                                                const std::vector<double>& data) {
  auto [a, b] = fit_line(t, data);
  if (a >= 0 && b >= 0) return {a, b};
  double stt = 0, std_ = 0, mean = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    stt += t[k] * t[k];
    std_ += t[k] * data[k];
    mean += data[k] / static_cast<double>(t.size());
  }
  if (a < 0 && stt > 0 && std_ > 0) return {0, std_ / stt};  // through the origin
  return {std::max(mean, 0.0), 0};
}

double relative_misfit(const std::vector<std::vector<double>>& data,
                       const std::vector<std::vector<double>>& fit) {
  double worst = 0;
  for (std::size_t k = 0; k < data.size(); ++k) {
    double largest = 0, error = 0;
    for (std::size_t e = 0; e < data[k].size(); ++e) {
      largest = std::max(largest, std::abs(data[k][e]));
      error = std::max(error, std::abs(fit[k][e] - data[k][e]));
    }
    worst = std::max(worst, largest > 0 ? error / largest : error);
  }
  return worst;
}

void write_lower_triangle(std::ostringstream& out, const std::vector<double>& m, int n) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j)
      out << (j > 0 ? " " : "") << number(m[static_cast<std::size_t>(i) * n + j]);
    out << "\n";
  }
}

void write_table(std::ostringstream& out, const SectionRlgcSweep& section, const std::string& name,
                 const char* which) {
  const int n = section.rlgc.front().conductors;
  out << ".MODEL " << name << " SP N=" << n
      << " SPACING=NONUNIFORM VALTYPE=REAL\n+ DATA=" << section.frequencies_Hz.size() << "\n";
  for (std::size_t k = 0; k < section.frequencies_Hz.size(); ++k) {
    const physics::RlgcMatrices& m = section.rlgc[k];
    const std::vector<double>& values = which[0] == 'r'   ? m.R
                                        : which[0] == 'l' ? m.L
                                        : which[0] == 'g' ? m.G
                                                          : m.C;
    out << "+ " << number(section.frequencies_Hz[k]);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j)
        out << " " << number(values[static_cast<std::size_t>(i) * n + j]);
    out << "\n";
  }
}

std::vector<std::vector<std::string>> section_rails(int n, std::size_t sections) {
  std::vector<std::vector<std::string>> rails;
  rails.push_back(port_pins(n, false));
  for (std::size_t s = 1; s < sections; ++s) {
    std::vector<std::string> rail;
    for (int i = 0; i < n; ++i) rail.push_back(node("w", static_cast<int>(s), i + 1));
    rails.push_back(rail);
  }
  rails.push_back(port_pins(n, true));
  return rails;
}

std::string w_element_line(int index, const std::vector<std::string>& from,
                           const std::vector<std::string>& to, int n, double length_m) {
  std::string line = "W" + std::to_string(index);
  for (const std::string& pin : from) line += " " + pin;
  line += " ref";
  for (const std::string& pin : to) line += " " + pin;
  return line + " ref N=" + std::to_string(n) + " L=" + number(length_m);
}

std::string w_netlist_text(const std::string& stem, const std::string& case_name,
                           const LadderModel& ladder, const std::vector<SectionRlgcSweep>& sections,
                           const std::vector<std::string>& rlgc_names) {
  const int n = ladder.conductors;
  std::ostringstream out;
  out << "* tsvfield HSPICE W-element models of coupled TSV lines (HSPICE only: in ngspice W is\n"
         "* a switch). One W element per line section, cascaded bottom to top.\n";
  out << "* Case: " << case_name << "\n";
  write_port_comments(out, ladder.signal_names, n);
  out << "* " << stem
      << "_w_rlgc: W elements with RLGCfile= (R(f) = Ro + sqrt(f)(1+j) Rs,\n"
         "*   G(f) = Go + f Gd, constant Lo and Co: cannot follow the C(f) roll-off of lossy\n"
         "*   silicon; see each file's fit errors).\n"
         "* "
      << stem
      << "_w_table: W elements with TABLEMODEL= (R, L, G, C at every sweep\n"
         "*   frequency, interpolated by HSPICE in between).\n"
         "* Syntax confirmed from HSPICE manual excerpts: the W element card (nodes i1..iN iR\n"
         "*   o1..oN oR, N=, L=, RLGCfile=, TABLEMODEL=), the RLGC file order and lower-triangle\n"
         "*   layout, and that a TABLE model of type W refers to SP-type .MODEL tables.\n"
         "* The table syntax is the one HSPICE tabular W-element files written by Keysight ADS\n"
         "*   and Ansys HFSS use: .MODEL name W MODELTYPE=TABLE N= RMODEL= LMODEL= GMODEL=\n"
         "*   CMODEL=, and per quantity .MODEL name SP N= SPACING=NONUNIFORM VALTYPE=REAL\n"
         "*   DATA=npts f1 <lower triangle> f2 <lower triangle> ... (per metre, SI units, f in\n"
         "*   Hz; C with negative off-diagonals, as in ADS's tables). Not run in HSPICE here.\n";
  const auto rails = section_rails(n, sections.size());
  auto write_end_shunts = [&] {
    if (ladder.near_end_shunt.conductors > 0)
      write_lumped_shunt(out, ladder.near_end_shunt, "N", port_pins(n, false));
    if (ladder.far_end_shunt.conductors > 0)
      write_lumped_shunt(out, ladder.far_end_shunt, "F", port_pins(n, true));
  };
  out << ".subckt " << stem << "_w_rlgc" << pin_list(n) << "\n";
  for (std::size_t s = 0; s < sections.size(); ++s)
    out << w_element_line(static_cast<int>(s) + 1, rails[s], rails[s + 1], n, sections[s].length_m)
        << " RLGCfile=" << rlgc_names[s] << "\n";
  write_end_shunts();
  out << ".ends " << stem << "_w_rlgc\n\n";
  for (std::size_t s = 0; s < sections.size(); ++s)
    out << w_element_table_model_text(sections[s], stem + "_t" + std::to_string(s + 1)) << "\n";
  out << ".subckt " << stem << "_w_table" << pin_list(n) << "\n";
  for (std::size_t s = 0; s < sections.size(); ++s)
    out << w_element_line(static_cast<int>(s) + 1, rails[s], rails[s + 1], n, sections[s].length_m)
        << " TABLEMODEL=" << stem << "_t" << s + 1 << "\n";
  write_end_shunts();
  out << ".ends " << stem << "_w_table\n";
  return out.str();
}

}  // namespace

std::string spice_identifier(std::string_view text) {
  std::string name;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    name += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  }
  if (name.empty()) return "tsv";
  if (std::isdigit(static_cast<unsigned char>(name.front()))) name = "x" + name;
  return name;
}

std::string ladder_subcircuit_text(const LadderModel& ladder, const std::string& subcircuit_name,
                                   const std::string& case_name) {
  const int n = ladder.conductors;
  if (n <= 0 || ladder.sections.empty())
    throw std::invalid_argument("ladder subcircuit: empty ladder model");
  std::ostringstream out;
  write_ladder_header(out, ladder, case_name);
  out << ".subckt " << subcircuit_name << pin_list(n) << "\n";
  const std::vector<LadderCell> cells = physics::ladder_cells(ladder);
  int last_series = -1;
  for (std::size_t c = 0; c < cells.size(); ++c)
    if (cells[c].kind == LadderCell::Kind::series) last_series = static_cast<int>(c);
  std::vector<std::string> rail = port_pins(n, false);
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const LadderCell& cell = cells[c];
    const int id = static_cast<int>(c) + 1;
    switch (cell.kind) {
      case LadderCell::Kind::near_shunt:
        write_lumped_shunt(out, ladder.near_end_shunt, "N", port_pins(n, false));
        break;
      case LadderCell::Kind::far_shunt:
        write_lumped_shunt(out, ladder.far_end_shunt, "F", port_pins(n, true));
        break;
      case LadderCell::Kind::shunt:
        write_shunt_cell(out, ladder.sections[cell.section], n, id, cell.length_m, rail);
        break;
      case LadderCell::Kind::series: {
        std::vector<std::string> next;
        if (static_cast<int>(c) == last_series) {
          next = port_pins(n, true);
        } else {
          for (int i = 0; i < n; ++i) next.push_back(node("x", id, i + 1));
        }
        write_series_cell(out, ladder.sections[cell.section], n, id, cell.length_m, rail, next);
        rail = next;
        break;
      }
    }
  }
  out << ".ends " << subcircuit_name << "\n";
  return out.str();
}

WElementRlgc fit_w_element_rlgc(const SectionRlgcSweep& section) {
  if (section.frequencies_Hz.empty() || section.rlgc.size() != section.frequencies_Hz.size())
    throw std::invalid_argument("W element fit: empty or inconsistent sweep");
  const int n = section.rlgc.front().conductors;
  const std::size_t entries = static_cast<std::size_t>(n) * n;
  WElementRlgc w;
  w.conductors = n;
  w.length_m = section.length_m;
  w.layer = section.layer;
  for (auto* m : {&w.Lo, &w.Co, &w.Ro, &w.Go, &w.Rs, &w.Gd}) m->assign(entries, 0.0);
  const std::vector<double>& f = section.frequencies_Hz;
  std::vector<double> sqrt_f(f.size());
  std::transform(f.begin(), f.end(), sqrt_f.begin(), [](double x) { return std::sqrt(x); });
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const std::size_t e = static_cast<std::size_t>(i) * n + j;
      std::vector<double> r, g, c;
      for (const physics::RlgcMatrices& m : section.rlgc) {
        r.push_back(m.R[e]);
        g.push_back(m.G[e]);
        c.push_back(m.C[e]);
      }
      std::tie(w.Ro[e], w.Rs[e]) = i == j ? fit_line_non_negative(sqrt_f, r) : fit_line(sqrt_f, r);
      std::tie(w.Go[e], w.Gd[e]) = i == j ? fit_line_non_negative(f, g) : fit_line(f, g);
      double c_sum = 0, l_sum = 0;
      int l_points = 0;
      for (std::size_t k = 0; k < f.size(); ++k) {
        c_sum += c[k];
        if (f[k] <= 0) continue;  // the (1+j) skin term's inductance is singular at DC
        l_sum += section.rlgc[k].L[e] - w.Rs[e] / (kTwoPi * sqrt_f[k]);
        ++l_points;
      }
      w.Co[e] = c_sum / static_cast<double>(f.size());
      w.Lo[e] = l_points > 0 ? l_sum / l_points : section.rlgc.front().L[e];
    }
  // Misfits of each fitted matrix over the sweep.
  std::vector<std::vector<double>> r_data, l_data, g_data, c_data, r_fit, l_fit, g_fit, c_fit;
  for (std::size_t k = 0; k < f.size(); ++k) {
    const physics::RlgcMatrices& m = section.rlgc[k];
    r_data.push_back(m.R);
    g_data.push_back(m.G);
    c_data.push_back(m.C);
    std::vector<double> r(entries), l(entries), g(entries);
    for (std::size_t e = 0; e < entries; ++e) {
      r[e] = w.Ro[e] + sqrt_f[k] * w.Rs[e];
      g[e] = w.Go[e] + f[k] * w.Gd[e];
      l[e] = w.Lo[e] + (f[k] > 0 ? w.Rs[e] / (kTwoPi * sqrt_f[k]) : 0);
    }
    r_fit.push_back(r);
    g_fit.push_back(g);
    c_fit.push_back(w.Co);
    if (f[k] > 0) {
      l_data.push_back(m.L);
      l_fit.push_back(l);
    }
  }
  w.r_fit_error = relative_misfit(r_data, r_fit);
  w.l_fit_error = relative_misfit(l_data, l_fit);
  w.g_fit_error = relative_misfit(g_data, g_fit);
  w.c_fit_error = relative_misfit(c_data, c_fit);
  return w;
}

std::string w_element_rlgc_file_text(const WElementRlgc& rlgc, const std::string& case_name) {
  std::ostringstream out;
  out << "* tsvfield HSPICE W-element RLGC file (RLGCfile=), per unit length, SI units\n"
      << "* Case: " << case_name << ", section " << rlgc.layer << ", length "
      << number(rlgc.length_m) << " m\n"
      << "* Least-squares fits over the sweep: R(f) = Ro + sqrt(f) Rs (HSPICE adds the\n"
         "* matching j sqrt(f) Rs), L(f) = Lo + Rs/(2 pi sqrt(f)), G(f) = Go + f Gd, C(f) = Co.\n"
      << "* Largest relative misfits: R " << number(rlgc.r_fit_error) << ", L "
      << number(rlgc.l_fit_error) << ", G " << number(rlgc.g_fit_error) << ", C "
      << number(rlgc.c_fit_error) << "\n"
      << "* Order: N, Lo, Co, Ro, Go, Rs, Gd; each symmetric matrix as its lower triangle,\n"
         "* row by row (M11 / M21 M22 / ...).\n";
  out << rlgc.conductors << "\n";
  const std::pair<const char*, const std::vector<double>*> matrices[] = {
      {"Lo (H/m)", &rlgc.Lo},
      {"Co (F/m)", &rlgc.Co},
      {"Ro (ohm/m)", &rlgc.Ro},
      {"Go (S/m)", &rlgc.Go},
      {"Rs (ohm/(m*sqrt(Hz)))", &rlgc.Rs},
      {"Gd (S/(m*Hz))", &rlgc.Gd}};
  for (const auto& [title, matrix] : matrices) {
    out << "* " << title << "\n";
    write_lower_triangle(out, *matrix, rlgc.conductors);
  }
  return out.str();
}

std::string w_element_table_model_text(const SectionRlgcSweep& section,
                                       const std::string& model_name) {
  if (section.frequencies_Hz.empty() || section.rlgc.size() != section.frequencies_Hz.size())
    throw std::invalid_argument("W element table: empty or inconsistent sweep");
  const int n = section.rlgc.front().conductors;
  std::ostringstream out;
  out << "* Tabular RLGC model of section " << section.layer << " (per unit length, SI units)\n";
  out << ".MODEL " << model_name << " W MODELTYPE=TABLE N=" << n << " RMODEL=" << model_name
      << "_r LMODEL=" << model_name << "_l GMODEL=" << model_name << "_g CMODEL=" << model_name
      << "_c\n";
  write_table(out, section, model_name + "_r", "r");
  write_table(out, section, model_name + "_l", "l");
  write_table(out, section, model_name + "_g", "g");
  write_table(out, section, model_name + "_c", "c");
  return out.str();
}

SpiceModelFiles write_spice_models(const std::filesystem::path& directory, const std::string& stem,
                                   const std::string& case_name, const LadderModel& ladder,
                                   const std::vector<SectionRlgcSweep>& sections) {
  const std::string name = spice_identifier(stem);
  SpiceModelFiles files;
  files.ladder = directory / (stem + "_ladder.sp");
  write_file_atomically(files.ladder, ladder_subcircuit_text(ladder, name + "_ladder", case_name));
  std::vector<std::string> rlgc_names;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const std::string file_name =
        stem + "_" + std::to_string(s + 1) + "_" + spice_identifier(sections[s].layer) + ".rlgc";
    files.rlgc_files.push_back(directory / file_name);
    rlgc_names.push_back(file_name);
    write_file_atomically(files.rlgc_files.back(),
                          w_element_rlgc_file_text(fit_w_element_rlgc(sections[s]), case_name));
  }
  files.w_netlist = directory / (stem + "_w.sp");
  write_file_atomically(files.w_netlist,
                        w_netlist_text(name, case_name, ladder, sections, rlgc_names));
  return files;
}

}  // namespace tsvfield::io
