// Electro-quasi-static admittance (physics/eqs_cross_section) against the exact
// admittance of coaxial conductor-oxide-silicon shells, frequency-independent
// iteration counts, the f = 0 point, Maxwell-matrix properties, and identical results
// on every rank (this test runs at 1 and 2 ranks).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>

#include "physics/per_unit_length.hpp"
#include "xsec_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace xsec_testing;

constexpr double kSiliconSigma = 10.0;  // 10 ohm*cm
constexpr double kOxide = 3.9, kSilicon = 11.9;

std::vector<double> log_sweep(double start, double stop, int per_decade) {
  std::vector<double> frequencies;
  int points = static_cast<int>(std::lround(std::log10(stop / start) * per_decade));
  for (int k = 0; k <= points; ++k)
    frequencies.push_back(start * std::pow(10.0, static_cast<double>(k) / per_decade));
  return frequencies;
}

// Every rank holds the same matrices as rank 0, bit for bit.
void expect_same_on_every_rank(const AdmittanceSweep& sweep) {
  std::vector<double> mine;
  for (const auto& matrix : sweep.G_S_per_m) mine.insert(mine.end(), matrix.begin(), matrix.end());
  for (const auto& matrix : sweep.C_F_per_m) mine.insert(mine.end(), matrix.begin(), matrix.end());
  std::vector<double> root = mine;
  MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  for (std::size_t k = 0; k < mine.size(); ++k) ASSERT_EQ(mine[k], root[k]) << "entry " << k;
}

void print_on_root(const std::string& text) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::printf("%s\n", text.c_str());
}

void expect_matches_shells(const AdmittanceSweep& sweep, const std::vector<Shell>& shells,
                           double tolerance, double& worst_g, double& worst_c) {
  worst_g = worst_c = 0;
  for (std::size_t f = 0; f < sweep.frequencies_Hz.size(); ++f) {
    double w = 2 * kPi * sweep.frequencies_Hz[f];
    std::complex<double> exact = series_shells(shells, w);
    ASSERT_EQ(sweep.G_S_per_m[f].size(), 1u);
    double g = sweep.G_S_per_m[f][0], c = sweep.C_F_per_m[f][0];
    double exact_c = exact.imag() / w;
    double error_g = std::abs(g / exact.real() - 1), error_c = std::abs(c / exact_c - 1);
    char line[200];
    std::snprintf(line, sizeof line,
                  "[ measured ] f %.3e Hz  G %.6e (exact %.6e, %.2e)  C %.6e (exact %.6e, %.2e)",
                  sweep.frequencies_Hz[f], g, exact.real(), error_g, c, exact_c, error_c);
    print_on_root(line);
    worst_g = std::max(worst_g, error_g);
    worst_c = std::max(worst_c, error_c);
    EXPECT_LT(error_g, tolerance) << "G at " << sweep.frequencies_Hz[f] << " Hz: " << g << " vs "
                                  << exact.real();
    EXPECT_LT(error_c, tolerance) << "C at " << sweep.frequencies_Hz[f] << " Hz: " << c << " vs "
                                  << exact_c;
  }
}

TEST(Admittance, CoaxialOxideSiliconMatchesTheSeriesShells) {
  const double r = 5 * kMicron, r_ox = 5.5 * kMicron, shield = 10 * kMicron;
  CrossSection section = coax_section(10, 0, 64);
  AdmittanceSweep sweep = admittance_sweep(section, log_sweep(1e6, 1e11, 2), MPI_COMM_WORLD);
  double worst_g = 0, worst_c = 0;
  expect_matches_shells(sweep, {{r, r_ox, 0, kOxide}, {r_ox, shield, kSiliconSigma, kSilicon}},
                        0.01, worst_g, worst_c);
  expect_same_on_every_rank(sweep);
  char text[256];
  std::snprintf(text, sizeof text,
                "coax oxide-silicon, 1 MHz-100 GHz: worst |G| error %.3g%%, |C| error %.3g%%, "
                "%d unknowns, iterations %d-%d",
                100 * worst_g, 100 * worst_c, sweep.stats.unknowns, sweep.stats.min_iterations,
                sweep.stats.max_iterations);
  print_on_root(text);
}

TEST(Admittance, CoaxialErrorFallsWithCircleSegments) {
  const double r = 5 * kMicron, r_ox = 5.5 * kMicron, shield = 10 * kMicron;
  const std::vector<Shell> shells = {{r, r_ox, 0, kOxide}, {r_ox, shield, kSiliconSigma, kSilicon}};
  std::vector<double> errors;
  for (int segments : {32, 64, 128}) {
    AdmittanceSweep sweep =
        admittance_sweep(coax_section(10, 0, segments), {1e6, 1e9, 1e11}, MPI_COMM_WORLD);
    double worst = 0;
    for (std::size_t f = 0; f < 3; ++f) {
      double w = 2 * kPi * sweep.frequencies_Hz[f];
      std::complex<double> exact = series_shells(shells, w);
      std::complex<double> y(sweep.G_S_per_m[f][0], w * sweep.C_F_per_m[f][0]);
      worst = std::max(worst, std::abs(y / exact - 1.0));
    }
    errors.push_back(worst);
    print_on_root("[ measured ] coax, " + std::to_string(segments) +
                  " circle segments: worst |Y / Y_exact - 1| = " + std::to_string(worst));
  }
  EXPECT_LT(errors[1], errors[0]);
  EXPECT_LT(errors[2], errors[1]);
  EXPECT_LT(errors[0], 0.02);
}

TEST(Admittance, CoaxialWithDepletedRingMatchesThreeShells) {
  const double r = 5 * kMicron, r_ox = 5.5 * kMicron, r_dep = 6.5 * kMicron, shield = 10 * kMicron;
  CrossSection section = coax_section(10, 1, 64);
  AdmittanceSweep sweep = admittance_sweep(section, log_sweep(1e6, 1e11, 1), MPI_COMM_WORLD);
  double worst_g = 0, worst_c = 0;
  expect_matches_shells(
      sweep,
      {{r, r_ox, 0, kOxide}, {r_ox, r_dep, 0, kSilicon}, {r_dep, shield, kSiliconSigma, kSilicon}},
      0.01, worst_g, worst_c);
  expect_same_on_every_rank(sweep);
  char text[256];
  std::snprintf(text, sizeof text,
                "coax oxide-depleted-silicon, 1 MHz-100 GHz: worst |G| error %.3g%%, |C| error "
                "%.3g%%",
                100 * worst_g, 100 * worst_c);
  print_on_root(text);
}

// A 3x3 array of TSVs (pitch 40 um, 0.5 um liner, 0.3 um depletion) in 10 ohm*cm
// silicon, signals and grounds in a checkerboard.
CrossSection three_by_three_section() {
  std::vector<std::pair<double, double>> centres;
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) centres.push_back({40.0 + 40 * i, 40.0 + 40 * j});
  mesh::StackGeometry geometry = mesh::build_stack_geometry(
      tsv_stack(160, centres, 0.5, {"S", "G", "S", "G", "S", "G", "S", "G", "S"}));
  CrossSectionControls controls;
  controls.circle_segments = 64;
  controls.depletion_thickness_m = 0.3 * kMicron;
  return build_cross_section(geometry, mesh::MeshControls{}, 1, roles_of(geometry),
                             library_10_ohm_cm(), controls);
}

TEST(Admittance, IterationsDoNotGrowWithFrequency) {
  // PRESB bounds the eigenvalues of the preconditioned system in [1/2, 1] at every
  // frequency: GMRES needs at most ~14 iterations for 1e-10 (Chebyshev rate
  // (sqrt2 - 1) / (sqrt2 + 1)), whatever the frequency.
  CrossSection section = three_by_three_section();
  std::vector<int> iterations;
  std::string text = "PRESB-FGMRES iterations (3x3 array):";
  for (double f : log_sweep(1e6, 1e11, 1)) {
    AdmittanceSweep sweep = admittance_sweep(section, {f}, MPI_COMM_SELF);
    iterations.push_back(sweep.stats.max_iterations);
    text += " " + std::to_string(sweep.stats.max_iterations) + " at " + std::to_string(f / 1e9) +
            " GHz;";
    EXPECT_LE(sweep.stats.max_iterations, 14) << f << " Hz";
  }
  AdmittanceSweep at_40 = admittance_sweep(section, {40e9}, MPI_COMM_SELF);
  EXPECT_GT(iterations.front(), 0);
  EXPECT_LE(at_40.stats.max_iterations, iterations.front() + 6);
  text += " " + std::to_string(at_40.stats.max_iterations) + " at 40 GHz";
  print_on_root(text);
}

TEST(Admittance, DirectCurrentPoint) {
  const double r = 5 * kMicron, r_ox = 5.5 * kMicron, shield = 10 * kMicron;
  CrossSection section = coax_section(10, 0, 64);
  AdmittanceSweep sweep = admittance_sweep(section, {0.0}, MPI_COMM_WORLD);
  // The liner insulates: no conduction current at DC.
  EXPECT_EQ(sweep.G_S_per_m[0][0], 0.0);
  // C(0) = lim Im Y / w: the silicon conducts, the liner alone holds the voltage.
  double liner = series_shells({{r, r_ox, 0, kOxide}}, 1.0).imag();
  EXPECT_NEAR(sweep.C_F_per_m[0][0], liner, 0.01 * liner);
  // ... continuous with the sweep.
  AdmittanceSweep low = admittance_sweep(section, {1e3}, MPI_COMM_WORLD);
  EXPECT_NEAR(sweep.C_F_per_m[0][0], low.C_F_per_m[0][0], 1e-6 * liner);
  // Without losses, f = 0 is the permittivity problem: the shells as dielectrics.
  CrossSection lossless = section;
  for (auto& material : lossless.materials)
    if (material.is_semiconductor) material.conductivity_S_m = 0;
  AdmittanceSweep dielectric = admittance_sweep(lossless, {0.0}, MPI_COMM_WORLD);
  double exact = series_shells({{r, r_ox, 0, kOxide}, {r_ox, shield, 0, kSilicon}}, 1.0).imag();
  EXPECT_NEAR(dielectric.C_F_per_m[0][0], exact, 0.01 * exact);
  EXPECT_EQ(dielectric.G_S_per_m[0][0], 0.0);

  // A bare conductor in silicon (no liner) conducts at DC.
  mesh::StackGeometry geometry = mesh::build_stack_geometry(tsv_stack(60, {{30, 30}}, 0, {"S"}));
  CrossSection bare = build_cross_section(geometry, mesh::MeshControls{}, 1, roles_of(geometry),
                                          library_10_ohm_cm(), CrossSectionControls{});
  AdmittanceSweep dc = admittance_sweep(bare, {0.0, 1e3}, MPI_COMM_WORLD);
  EXPECT_GT(dc.G_S_per_m[0][0], 0.0);
  // At 1 kHz the displacement current is negligible next to the conduction current.
  EXPECT_NEAR(dc.G_S_per_m[1][0], dc.G_S_per_m[0][0], 1e-6 * dc.G_S_per_m[0][0]);
  // Homogeneous silicon: C = (eps / sigma) G at every frequency, f = 0 included.
  const double ratio = kSilicon * kVacuumPermittivity / kSiliconSigma;
  for (int f = 0; f < 2; ++f)
    EXPECT_NEAR(dc.C_F_per_m[f][0], ratio * dc.G_S_per_m[f][0], 1e-4 * ratio * dc.G_S_per_m[f][0]);
}

TEST(Admittance, MaxwellMatricesWithFloatingAndBoundaryReference) {
  // Three TSVs in a row: signal, floating, signal; no return conductor: the outer
  // boundary is the reference.
  mesh::StackGeometry geometry = mesh::build_stack_geometry(
      tsv_stack(120, {{30, 60}, {60, 60}, {90, 60}}, 0.5, {"S", "F", "S"}));
  CrossSection section = build_cross_section(geometry, mesh::MeshControls{}, 1, roles_of(geometry),
                                             library_10_ohm_cm(), CrossSectionControls{});
  ASSERT_EQ(section.conductors[1].role, ConductorRole::floating);
  AdmittanceSweep sweep = admittance_sweep(section, {0.0, 1e8, 1e10}, MPI_COMM_WORLD);
  expect_same_on_every_rank(sweep);
  for (std::size_t f = 0; f < sweep.frequencies_Hz.size(); ++f) {
    const auto& c = sweep.C_F_per_m[f];
    const auto& g = sweep.G_S_per_m[f];
    ASSERT_EQ(c.size(), 4u);
    EXPECT_GT(c[0], 0);
    EXPECT_NEAR(c[1], c[2], 1e-9 * c[0]);  // reciprocity
    EXPECT_NEAR(c[0], c[3], 1e-3 * c[0]);  // mirror symmetry of the layout
    EXPECT_NEAR(g[1], g[2], 1e-9 * std::max(g[0], 1e-30));
    if (sweep.frequencies_Hz[f] == 0) {
      // Low-frequency limit: a Maxwell matrix, diagonally dominant (the boundary takes
      // charge); no conduction through the liners.
      EXPECT_LT(c[1], 0);
      EXPECT_GT(c[0] + c[1], 0);
      for (double value : g) EXPECT_EQ(value, 0.0);
    } else {
      // Passive: Re Y = G positive semi-definite. (Through a lossy substrate the
      // off-diagonal conductance may be positive: two liner capacitances into one
      // resistive node give Re Y_12 = w^2 C^2 R / (1 + (2 w C R)^2) > 0.)
      EXPECT_GT(g[0], 0);
      EXPECT_GE(g[0] * g[3] - g[1] * g[2], 0);
    }
  }
}

TEST(Admittance, ThreeByThreeArrayIsSymmetricPassiveAndRankIndependent) {
  CrossSection section = three_by_three_section();
  AdmittanceSweep sweep = admittance_sweep(section, {1e6, 1e9, 40e9}, MPI_COMM_WORLD);
  expect_same_on_every_rank(sweep);
  const int n = 5;
  for (std::size_t f = 0; f < sweep.frequencies_Hz.size(); ++f) {
    const auto& c = sweep.C_F_per_m[f];
    const auto& g = sweep.G_S_per_m[f];
    ASSERT_EQ(c.size(), static_cast<std::size_t>(n * n));
    const double w = 2 * kPi * sweep.frequencies_Hz[f];
    for (int i = 0; i < n; ++i) {
      EXPECT_GT(c[i * n + i], 0);
      EXPECT_GT(g[i * n + i], 0);
      // Solver accuracy is relative to |Y_ii| (G alone may be far smaller than w C).
      const double y = std::hypot(g[i * n + i], w * c[i * n + i]);
      for (int k = 0; k < n; ++k) {
        EXPECT_NEAR(c[i * n + k], c[k * n + i], 1e-8 * y / w);
        EXPECT_NEAR(g[i * n + k], g[k * n + i], 1e-8 * y);
        // Passive: every 2x2 principal minor of G is non-negative.
        EXPECT_GE(g[i * n + i] * g[k * n + k] - g[i * n + k] * g[k * n + i],
                  -1e-12 * g[i * n + i] * g[k * n + k]);
      }
    }
  }
  // The liner dominates at 1 MHz, the silicon dielectric at 40 GHz: C falls.
  EXPECT_GT(sweep.C_F_per_m[0][0], 2 * sweep.C_F_per_m[2][0]);
  char text[256];
  std::snprintf(text, sizeof text,
                "3x3 array, 5 signals: %d unknowns, iterations %d-%d, %.2f s for 3 frequencies",
                sweep.stats.unknowns, sweep.stats.min_iterations, sweep.stats.max_iterations,
                sweep.stats.seconds);
  print_on_root(text);
}

TEST(Admittance, NoSignalConductorIsAnInputError) {
  mesh::StackGeometry geometry = mesh::build_stack_geometry(tsv_stack(60, {{30, 30}}, 0.5, {"G"}));
  CrossSection section = build_cross_section(geometry, mesh::MeshControls{}, 1, roles_of(geometry),
                                             library_10_ohm_cm(), CrossSectionControls{});
  EXPECT_THROW(admittance_sweep(section, {1e9}, MPI_COMM_WORLD), InputError);
  CrossSection coax = coax_section(10, 0, 32);
  EXPECT_THROW(admittance_sweep(coax, {-1.0}, MPI_COMM_WORLD), InputError);
}

}  // namespace
}  // namespace tsvfield::physics
