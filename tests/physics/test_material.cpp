// Material library: Property interpolation, the built-in data against cited
// reference values, and the materials table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "physics/material.hpp"
#include "physics/material_data.hpp"
#include "physics/material_table.hpp"

namespace tsvfield::physics {
namespace {

// --- Property ----------------------------------------------------------------

TEST(Property, ConstantHasZeroDerivative) {
  const Property p = Property::constant(2.5);
  EXPECT_TRUE(p.is_defined());
  EXPECT_TRUE(p.is_constant());
  EXPECT_EQ(p(4), 2.5);
  EXPECT_EQ(p(400), 2.5);
  EXPECT_EQ(p.derivative(77), 0);
}

TEST(Property, UndefinedThrowsOnUse) {
  const Property p;
  EXPECT_FALSE(p.is_defined());
  EXPECT_THROW(p(300), std::logic_error);
  EXPECT_THROW(p.derivative(300), std::logic_error);
}

TEST(Property, TableExactAtPoints) {
  const std::vector<double> t = {4, 10, 100, 300};
  const std::vector<double> v = {2, 50, 7, 1.5};
  const Property p = Property::table(t, v);
  EXPECT_FALSE(p.is_constant());
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_DOUBLE_EQ(p(t[i]), v[i]) << t[i];
}

TEST(Property, TableIsLogLogBetweenPoints) {
  // 10 K -> 1, 40 K -> 16: the power law v = (T/10)^2, so v(20 K) = 4 exactly
  // (linear interpolation in T would give 6).
  const Property square = Property::table({10, 40}, {1, 16});
  EXPECT_NEAR(square(20), 4.0, 1e-12);
  EXPECT_NEAR(square(30), 9.0, 1e-12);
  // Hand computation on a decreasing segment: 100 K -> 884, 150 K -> 409;
  // exponent s = ln(409/884)/ln(1.5) = -1.900883; v(120) = 884 * 1.2^s = 625.083.
  const Property falling = Property::table({100, 150}, {884, 409});
  EXPECT_NEAR(falling(120), 625.083, 0.001);
}

TEST(Property, TableClampsOutsideRangeWithZeroDerivative) {
  const Property p = Property::table({10, 100}, {3, 30});
  EXPECT_EQ(p(1), 3);
  EXPECT_EQ(p(1000), 30);
  EXPECT_EQ(p.derivative(1), 0);
  EXPECT_EQ(p.derivative(1000), 0);
}

TEST(Property, DerivativeMatchesFiniteDifference) {
  const Property p = Property::table({4, 10, 25, 100, 300}, {297, 2400, 4350, 884, 148});
  for (double t : {5.0, 7.3, 17.0, 40.0, 99.0, 123.4, 250.0}) {
    const double h = 1e-6 * t;
    const double central = (p(t + h) - p(t - h)) / (2 * h);
    EXPECT_NEAR(p.derivative(t), central, 1e-6 * std::fabs(central) + 1e-9) << t;
  }
  // Power law v = T^2 on one segment: dv/dT = 2T.
  const Property square = Property::table({10, 40}, {100, 1600});
  EXPECT_NEAR(square.derivative(20), 40.0, 1e-10);
}

TEST(Property, NanTemperaturePropagates) {
  const Property p = Property::table({10, 100}, {3, 30});
  EXPECT_TRUE(std::isnan(p(std::nan(""))));
}

TEST(Property, RejectsInvalidTables) {
  EXPECT_THROW(Property::table({}, {}), std::invalid_argument);
  EXPECT_THROW(Property::table({10, 20}, {1}), std::invalid_argument);
  EXPECT_THROW(Property::table({20, 10}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(Property::table({10, 10}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(Property::table({0, 10}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(Property::table({10, 20}, {0, 2}), std::invalid_argument);
  EXPECT_THROW(Property::table({10, 20}, {1, NAN}), std::invalid_argument);
  EXPECT_THROW(Property::constant(-1), std::invalid_argument);
  EXPECT_THROW(Property::constant(INFINITY), std::invalid_argument);
}

TEST(Property, SinglePointTableIsConstant) {
  const Property p = Property::table({300}, {148});
  EXPECT_TRUE(p.is_constant());
  EXPECT_EQ(p(4), 148);
}

// --- built-in data against the cited reference values ------------------------

constexpr double lorenz_number = 2.443e-8;  // W*ohm/K^2

// NIST cryogenic material properties, OFHC copper thermal conductivity fits
// (4-300 K): log10 k = (a + c T^0.5 + e T + g T^1.5 + i T^2) /
// (1 + b T^0.5 + d T + f T^1.5 + h T^2). Independent of the Hust & Lankford
// model used by the library.
double nist_copper_conductivity(double t, const double (&c)[9]) {
  const double r = std::sqrt(t);
  const double numerator = c[0] + c[2] * r + c[4] * t + c[6] * t * r + c[8] * t * t;
  const double denominator = 1 + c[1] * r + c[3] * t + c[5] * t * r + c[7] * t * t;
  return std::pow(10.0, numerator / denominator);
}
constexpr double nist_rrr50[9] = {1.8743,  -0.41538,  -0.6018,   0.13294, 0.26426,
                                  -0.0219, -0.051276, 0.0014871, 0.003723};
constexpr double nist_rrr100[9] = {2.2154,   -0.47461, -0.88068, 0.13871, 0.29505,
                                   -0.02043, -0.04831, 0.001281, 0.003207};

TEST(Silicon, ThermalConductivityMatchesReferenceValues) {
  const Material si = silicon();
  // Ho, Powell & Liley (1972): 1.48 W/(cm*K) at 300 K, 0.989 at 400 K, 8.84 at 100 K.
  EXPECT_NEAR(si.conductivity[2](300), 148, 1.5);
  EXPECT_NEAR(si.conductivity[2](400), 98.9, 1.0);
  EXPECT_NEAR(si.conductivity[2](100), 884, 9);
  // Between 250 K and 273 K and 300 K the TPRC values give 191/168/148:
  // log-log interpolation stays between its neighbours.
  EXPECT_GT(si.conductivity[2](285), 148);
  EXPECT_LT(si.conductivity[2](285), 168);
  // Peak ~4000-5000 W/(m*K) between 15 and 35 K; sample-limited 297 at 4 K.
  double peak = 0, peak_temperature = 0;
  for (double t = 4; t <= 100; t += 0.5) {
    if (si.conductivity[2](t) > peak) peak = si.conductivity[2](t), peak_temperature = t;
  }
  EXPECT_GT(peak, 4000);
  EXPECT_LT(peak, 5000);
  EXPECT_GE(peak_temperature, 15);
  EXPECT_LE(peak_temperature, 35);
  EXPECT_NEAR(si.conductivity[2](4), 297, 1e-9);
  EXPECT_TRUE(si.isotropic());
}

TEST(Silicon, HeatCapacityMatchesReferenceValues) {
  const Material si = silicon();
  // 713 J/(kg*K) at 300 K (Desai 1986 / JANAF) x 2329 kg/m^3.
  EXPECT_NEAR(si.heat_capacity(300) / 2329, 713, 7);
  // Debye T^3 law at 4 K, theta_0 = 645 K: c = (12 pi^4 / 5) R (T/theta)^3 / M.
  const double pi = 3.14159265358979;
  const double debye = 12 * std::pow(pi, 4) / 5 * 8.314462618 * std::pow(4.0 / 645, 3) / 28.0855e-3;
  EXPECT_NEAR(si.heat_capacity(4) / 2329, debye, 0.05 * debye);
}

TEST(Silicon, ConductivityIsTenOhmCmAndFreezesOut) {
  const Material si = silicon();
  EXPECT_NEAR(si.electrical_conductivity(300), 10.0, 0.05);  // 10 ohm*cm
  // Above 300 K lattice scattering lowers sigma; below, carriers freeze out:
  // at 4 K the floor (1e-6 S/m) holds.
  EXPECT_LT(si.electrical_conductivity(400), si.electrical_conductivity(300));
  EXPECT_LT(si.electrical_conductivity(20), 1e-2);
  EXPECT_NEAR(si.electrical_conductivity(4), 1e-6, 1e-12);
  EXPECT_DOUBLE_EQ(si.relative_permittivity, 11.9);
}

TEST(Silicon, ThinnedDieIsBoundaryLimitedWhenCold) {
  // Hand computation at 4 K for a 50 um die: k_b = rho*c_p * v * d / 3 with
  // rho*c_p = 0.0165 J/(kg*K) * 2329 kg/m^3 (Debye, theta 645 K), v = 6355 m/s:
  // k_b = 4.070 W/(m*K); with the bulk 297: 1 / (1/297 + 1/4.070) = 4.015.
  const Material die = silicon_thinned(50e-6);
  EXPECT_NEAR(die.conductivity[0](4), 4.015, 0.01);
  EXPECT_NEAR(die.conductivity[2](300), 148, 0.2);  // boundary term negligible warm
  EXPECT_LT(silicon_thinned(50e-6).conductivity[0](20),
            silicon_thinned(775e-6).conductivity[0](20));
  EXPECT_EQ(die.name, "silicon_thinned");
  EXPECT_THROW(silicon_thinned(0), std::invalid_argument);
  EXPECT_THROW(silicon_thinned(-1e-6), std::invalid_argument);
  EXPECT_THROW(silicon_thinned(std::nan("")), std::invalid_argument);
}

TEST(Copper, RoomTemperatureValues) {
  const Material cu = copper();                            // RRR 50
  EXPECT_NEAR(cu.conductivity[0](300), 398, 0.015 * 398);  // 398-401 handbook (pure Cu)
  // Matula (1979): rho_i(300 K) = 1.725e-8 ohm*m, plus rho_0 = 1.543e-8/(RRR-1).
  const double rho_300 = 1.725e-8 + 1.543e-8 / 49;
  EXPECT_NEAR(cu.electrical_conductivity(300), 1 / rho_300, 0.005 / rho_300);
  // High-purity copper at 293 K: Matula's 1.678e-8 ohm*m, i.e. 5.96e7 S/m.
  const Material pure = copper(3000);
  EXPECT_NEAR(pure.electrical_conductivity(293), 5.96e7, 0.01 * 5.96e7);
  // c_p 385 J/(kg*K) at 298 K (CRC) x 8960 kg/m^3; the NIST fit is within 2 %.
  EXPECT_NEAR(cu.heat_capacity(298.15) / 8960, 385, 0.02 * 385);
}

TEST(Copper, ThermalConductivityMatchesNistFits) {
  for (double t : {4.0, 10.0, 20.0, 30.0, 50.0, 77.0, 150.0, 300.0}) {
    const double expected50 = nist_copper_conductivity(t, nist_rrr50);
    const double expected100 = nist_copper_conductivity(t, nist_rrr100);
    EXPECT_NEAR(copper(50).conductivity[0](t), expected50, 0.05 * expected50) << t;
    EXPECT_NEAR(copper(100).conductivity[0](t), expected100, 0.05 * expected100) << t;
  }
}

TEST(Copper, ResidualResistanceRatioScaling) {
  for (double rrr : {10.0, 30.0, 50.0, 300.0}) {
    const Material cu = copper(rrr);
    const double ratio = cu.electrical_conductivity(4) / cu.electrical_conductivity(273.15);
    EXPECT_NEAR(ratio, rrr, 0.005 * rrr) << rrr;
    // Wiedemann-Franz holds at 4 K (elastic scattering): k = L0 T sigma.
    const double wiedemann_franz = lorenz_number * 4 * cu.electrical_conductivity(4);
    EXPECT_NEAR(cu.conductivity[0](4), wiedemann_franz, 0.03 * wiedemann_franz) << rrr;
  }
  // 4 K values for the default RRR 50: sigma = RRR / rho(273.15 K) = 50 / 1.543e-8 * 49/50.
  EXPECT_NEAR(copper().electrical_conductivity(4), 49 / 1.543e-8, 0.005 * 49 / 1.543e-8);
  EXPECT_NEAR(copper().conductivity[0](4), nist_copper_conductivity(4, nist_rrr50), 0.05 * 320);
}

TEST(Copper, RejectsInvalidRrr) {
  EXPECT_THROW(copper(1.0), std::invalid_argument);
  EXPECT_THROW(copper(0.5), std::invalid_argument);
  EXPECT_THROW(copper(std::nan("")), std::invalid_argument);
  EXPECT_NO_THROW(copper(1.5));
}

TEST(Sio2, AmorphousConductivity) {
  const Material oxide = sio2();
  EXPECT_NEAR(oxide.conductivity[0](300), 1.38, 0.01);
  EXPECT_GT(oxide.conductivity[0](4), 0.08);  // ~0.1 near 4 K (Zeller & Pohl 1971)
  EXPECT_LT(oxide.conductivity[0](4), 0.14);
  // Plateau: nearly flat between 7 and 12 K.
  EXPECT_NEAR(oxide.conductivity[0](12) / oxide.conductivity[0](7), 1.0, 0.1);
  EXPECT_EQ(oxide.electrical_conductivity(300), 0);
  EXPECT_DOUBLE_EQ(oxide.relative_permittivity, 3.9);
}

TEST(OtherMetals, RoomTemperatureValuesNearHandbook) {
  // Heat capacities fitted at 298 K (CRC): Al 897, W 132, In 233 J/(kg*K).
  EXPECT_NEAR(aluminium().heat_capacity(298.15) / 2700, 897, 1);
  EXPECT_NEAR(tungsten().heat_capacity(298.15) / 19300, 132, 0.5);
  EXPECT_NEAR(indium().heat_capacity(298.15) / 7310, 233, 0.5);
  // Indium: Wiedemann-Franz with CRC resistivity gives ~80 W/(m*K) against 81.8.
  EXPECT_NEAR(indium().conductivity[0](300), 81.8, 0.05 * 81.8);
  // SAC305: 13.2 uOhm*cm at 300 K.
  EXPECT_NEAR(sac305().electrical_conductivity(300), 1 / 13.2e-8, 0.01 / 13.2e-8);
}

// --- every built-in -----------------------------------------------------------

bool ascending_and_positive(const Property& property) {
  const auto& t = property.table_temperatures();
  const auto& v = property.table_values();
  if (t.size() != v.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] > 0) || !(v[i] > 0)) return false;
    if (i > 0 && !(t[i] > t[i - 1])) return false;
  }
  return true;
}

TEST(Builtin, HasTheRequiredMaterials) {
  const MaterialLibrary library = MaterialLibrary::builtin();
  for (const char* name :
       {"silicon", "copper", "tungsten", "sio2", "si3n4", "sac305", "indium", "underfill",
        "mold_compound", "tim", "aluminium", "air", "beol", "polyimide"}) {
    ASSERT_NE(library.find(name), nullptr) << name;
    EXPECT_EQ(library.at(name).name, name);
  }
  EXPECT_EQ(library.names().size(), builtin_materials().size());
}

TEST(Builtin, EveryPropertyDefinedAndPhysical) {
  const MaterialLibrary library = MaterialLibrary::builtin();
  for (const std::string& name : library.names()) {
    SCOPED_TRACE(name);
    const Material& m = library.at(name);
    EXPECT_FALSE(m.description.empty());
    EXPECT_FALSE(m.sources.empty());
    EXPECT_GE(m.relative_permittivity, 1.0);
    std::vector<const Property*> properties = {&m.conductivity[0], &m.conductivity[1],
                                               &m.conductivity[2], &m.heat_capacity,
                                               &m.electrical_conductivity};
    for (const Property* p : properties) {
      ASSERT_TRUE(p->is_defined());
      if (!p->is_constant()) {
        EXPECT_TRUE(ascending_and_positive(*p));
      }
    }
    for (double t : {1.0, 4.0, 20.0, 77.0, 300.0, 400.0, 600.0}) {
      for (int axis = 0; axis < 3; ++axis) {
        EXPECT_GT(m.conductivity[axis](t), 0) << t;
        EXPECT_TRUE(std::isfinite(m.conductivity[axis](t))) << t;
      }
      EXPECT_GT(m.heat_capacity(t), 0) << t;
      EXPECT_GE(m.electrical_conductivity(t), 0) << t;
      EXPECT_TRUE(std::isfinite(m.electrical_conductivity(t))) << t;
    }
    EXPECT_EQ(m.isotropic(), name != "beol");
  }
}

TEST(Builtin, CryogenicTablesCover4To400K) {
  for (const Material& m : {silicon(), copper(), sio2()}) {
    SCOPED_TRACE(m.name);
    for (const Property* p : {&m.conductivity[0], &m.heat_capacity}) {
      ASSERT_FALSE(p->is_constant());
      EXPECT_LE(p->table_temperatures().front(), 4.0);
      EXPECT_GE(p->table_temperatures().back(), 400.0);
    }
  }
}

TEST(Builtin, DerivativesMatchFiniteDifferences) {
  const MaterialLibrary library = MaterialLibrary::builtin();
  for (const std::string& name : library.names()) {
    const Material& m = library.at(name);
    for (const Property* p : {&m.conductivity[2], &m.heat_capacity, &m.electrical_conductivity}) {
      for (double t : {4.3, 11.1, 33.3, 76.1, 123.4, 290.7, 377.7}) {
        // Step: truncation error ~ (h/t)^2 relative, round-off ~ 1e-16 v / h.
        const double h = 1e-4 * t;
        const double central = ((*p)(t + h) - (*p)(t - h)) / (2 * h);
        EXPECT_NEAR(p->derivative(t), central, 1e-6 * std::fabs(central) + 1e-10 * (*p)(t) / t)
            << name << " at " << t << " K";
      }
    }
  }
}

TEST(Builtin, BeolIsAnisotropic) {
  const Material stack = beol();
  EXPECT_DOUBLE_EQ(stack.conductivity[0](300), stack.conductivity[1](300));
  EXPECT_GT(stack.conductivity[0](300), 2 * stack.conductivity[2](300));
  // Bounded by its constituents at every temperature.
  for (double t : {4.0, 77.0, 300.0}) {
    EXPECT_GT(stack.conductivity[2](t), sio2().conductivity[0](t));
    EXPECT_LT(stack.conductivity[0](t), copper(2).conductivity[0](t));
  }
}

// --- library ------------------------------------------------------------------

TEST(MaterialLibrary, AddReplacesAndLooksUp) {
  MaterialLibrary library = MaterialLibrary::builtin();
  EXPECT_EQ(library.find("unobtainium"), nullptr);
  EXPECT_THROW(library.at("unobtainium"), std::out_of_range);
  Material tsv_copper = copper(20);
  library.add(tsv_copper);  // replaces the RRR-50 copper
  EXPECT_NEAR(library.at("copper").electrical_conductivity(4), 19 / 1.543e-8, 0.01 * 19 / 1.543e-8);
  Material custom = copper(20);
  custom.name = "tsv_copper";
  library.add(custom);
  const std::vector<std::string> names = library.names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(library.find("tsv_copper"), nullptr);
}

// --- table ----------------------------------------------------------------------

TEST(MaterialTable, FormatsValues) {
  EXPECT_EQ(format_property_value(0), "0");
  EXPECT_EQ(format_property_value(148), "148");
  EXPECT_EQ(format_property_value(0.0263), "0.0263");
  EXPECT_EQ(format_property_value(1169.5), "1170");
  EXPECT_EQ(format_property_value(1.6614e6), "1.66e6");
  EXPECT_EQ(format_property_value(1e-6), "1e-6");
  EXPECT_EQ(format_property_value(99960), "1e5");
  EXPECT_EQ(format_property_value(3.1756e9), "3.18e9");
}

TEST(MaterialTable, ListsEveryMaterialWithinOneHundredColumns) {
  const MaterialLibrary library = MaterialLibrary::builtin();
  const std::string text = format_material_table(library);
  EXPECT_NE(text.find("W/(m*K)"), std::string::npos);
  EXPECT_NE(text.find("J/(m^3*K)"), std::string::npos);
  EXPECT_NE(text.find("S/m"), std::string::npos);
  EXPECT_NE(text.find("Sources"), std::string::npos);
  for (const std::string& name : library.names()) {
    EXPECT_NE(text.find("\n" + name + " "), std::string::npos) << name;    // its row
    EXPECT_NE(text.find("\n" + name + ":\n"), std::string::npos) << name;  // its sources
  }
  // Silicon's row shows its 300 K and 4 K conductivities.
  const std::size_t row = text.find("\nsilicon ");
  const std::string silicon_row = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  EXPECT_NE(silicon_row.find(" 148 "), std::string::npos) << silicon_row;
  EXPECT_NE(silicon_row.find(" 297 "), std::string::npos) << silicon_row;
  EXPECT_NE(text.find("23.2/23.2/"), std::string::npos);  // beol x/y/z
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t length = (end == std::string::npos ? text.size() : end) - start;
    EXPECT_LE(length, 100u) << text.substr(start, length);
    start = end == std::string::npos ? text.size() : end + 1;
  }
}

}  // namespace
}  // namespace tsvfield::physics
