// Writes the files the scikit-rf ctest checks (tests/si/check_touchstone_skrf.py):
//   <dir>/coupled_line.s4p + .json  a lossy coupled 2-line with silicon-like G
//   <dir>/single_line.s2p + .json   a lossy single line, Z0 != 50 ohm
// The RLGC is fixed here; R(f) = Ro + Rs sqrt(f) (skin effect) and
// G(f) = Go + f Gd (silicon conduction + dielectric loss) vary with frequency so
// the per-frequency path of the JSON is exercised.
// Usage: write_coupled_line_touchstone <output directory>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>

#include "tests/si/line_touchstone.hpp"

namespace {

using tsvfield::physics::RlgcMatrices;
using tsvfield::physics::SectionRlgcSweep;

std::vector<double> sweep_Hz() {
  std::vector<double> frequencies = {1e7};
  for (int k = 1; k <= 40; ++k) frequencies.push_back(k * 1e9);
  return frequencies;
}

// Symmetric N x N from diagonal and off-diagonal values.
std::vector<double> symmetric(int n, double diagonal, double off_diagonal) {
  std::vector<double> m(static_cast<std::size_t>(n * n), off_diagonal);
  for (int i = 0; i < n; ++i) m[static_cast<std::size_t>(i * n + i)] = diagonal;
  return m;
}

SectionRlgcSweep coupled_pair() {
  SectionRlgcSweep section;
  section.layer = "coupled_pair";
  section.length_m = 3e-3;
  section.signal_names = {"sig_a", "sig_b"};
  section.frequencies_Hz = sweep_Hz();
  for (double f : section.frequencies_Hz) {
    const double skin = std::sqrt(f);
    RlgcMatrices rlgc{2, symmetric(2, 220 + 0.02 * skin, 15 + 0.004 * skin),
                      symmetric(2, 4.2e-7, 1.6e-7), symmetric(2, 2.5 + 2e-11 * f, -0.9 - 8e-12 * f),
                      symmetric(2, 2.1e-10, -0.7e-10)};
    section.rlgc.push_back(rlgc);
  }
  return section;
}

SectionRlgcSweep single_line() {
  SectionRlgcSweep section;
  section.layer = "single";
  section.length_m = 5e-3;
  section.signal_names = {"sig"};
  section.frequencies_Hz = sweep_Hz();
  for (double f : section.frequencies_Hz)
    section.rlgc.push_back(
        RlgcMatrices{1, {100 + 0.01 * std::sqrt(f)}, {4e-7}, {0.5 + 1e-11 * f}, {1e-10}});
  return section;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path directory = argv[1];
    std::filesystem::create_directories(directory);
    for (const auto& [stem, section] :
         {std::pair{"coupled_line", coupled_pair()}, std::pair{"single_line", single_line()}}) {
      const auto files = tsvfield::test::write_line_touchstone(directory / stem, section, 50.0);
      std::printf("wrote %s and %s\n", files.touchstone.c_str(), files.expectation.c_str());
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
