// The built-in materials. Each property's data sits next to its source; values
// computed from a physical model (Bloch-Grueneisen resistivity, Debye heat
// capacity, donor freeze-out) are tabulated on a temperature grid here so that
// every property is a plain Property (constant or log-log table).
//
// Where a value is an engineering estimate (polymers, thermal interface
// material, the effective BEOL stack) the comment says so; the case file can
// override any material (`based_on:`), and should for a specific product.
#include "physics/material_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

namespace tsvfield::physics {

namespace {

// --- physical constants (CODATA 2018) -------------------------------------
constexpr double gas_constant = 8.314462618;           // J/(mol*K)
constexpr double boltzmann_eV = 8.617333262e-5;        // eV/K
constexpr double elementary_charge = 1.602176634e-19;  // C
constexpr double sommerfeld_lorenz_number = 2.443e-8;  // W*ohm/K^2, pi^2 k_B^2 / (3 e^2)
constexpr double ice_point = 273.15;                   // K

// Temperatures at which model-based properties are tabulated (K): dense where
// metals change fastest (10-100 K), covering 4-400 K.
std::vector<double> model_grid() {
  return {4,  5,  6,  7,  8,  9,  10,  12,  14,  16,  18,  20,     25,  30,  35, 40,
          45, 50, 60, 70, 77, 85, 100, 120, 150, 200, 250, 273.15, 300, 350, 400};
}

// A geometric grid of `count` points from `first` to `last` (K).
std::vector<double> geometric_grid(double first, double last, int count) {
  std::vector<double> grid(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    grid[static_cast<std::size_t>(i)] = first * std::pow(last / first, double(i) / (count - 1));
  }
  grid.back() = last;
  return grid;
}

Property tabulate(const std::vector<double>& temperatures,
                  const std::function<double(double)>& model) {
  std::vector<double> values;
  values.reserve(temperatures.size());
  for (double temperature : temperatures) values.push_back(model(temperature));
  return Property::table(temperatures, std::move(values));
}

Property scaled(const Property& property, double factor) {
  std::vector<double> values = property.table_values();
  for (double& value : values) value *= factor;
  return Property::table(property.table_temperatures(), std::move(values));
}

std::vector<double> times(std::vector<double> values, double factor) {
  for (double& value : values) value *= factor;
  return values;
}

// Composite Simpson rule on [0, upper], step <= 0.05: the integrands below are
// smooth on that scale, so the relative error is below 1e-8.
double simpson(const std::function<double(double)>& f, double upper) {
  const int intervals = 2 * std::max(8, static_cast<int>(std::ceil(upper / 0.1)));
  const double step = upper / intervals;
  double sum = f(0) + f(upper);
  for (int i = 1; i < intervals; ++i) sum += (i % 2 == 1 ? 4 : 2) * f(i * step);
  return sum * step / 3;
}

// Bloch-Grueneisen phonon resistivity up to a constant factor:
// (T/theta)^5 * integral_0^{theta/T} x^5 / ((e^x - 1)(1 - e^-x)) dx.
double bloch_gruneisen_shape(double temperature, double theta) {
  const double upper = std::min(theta / temperature, 80.0);  // integrand < 1e-25 beyond
  const auto integrand = [](double x) {
    if (x < 1e-8) return x * x * x;  // limit of x^5 / x^2
    return std::pow(x, 5) / (std::expm1(x) * -std::expm1(-x));
  };
  return std::pow(temperature / theta, 5) * simpson(integrand, upper);
}

// Intrinsic (phonon) resistivity of a pure metal: Bloch-Grueneisen with
// resistivity temperature theta, scaled to the measured value at 273.15 K.
double intrinsic_resistivity(double temperature, double theta, double resistivity_at_ice_point) {
  return resistivity_at_ice_point * bloch_gruneisen_shape(temperature, theta) /
         bloch_gruneisen_shape(ice_point, theta);
}

// Debye lattice heat capacity, J/(mol*K) per mole of atoms.
double debye_molar_heat_capacity(double temperature, double theta) {
  const double upper = std::min(theta / temperature, 80.0);
  const auto integrand = [](double x) {
    if (x < 1e-8) return x * x;
    const double e = -std::expm1(-x);  // 1 - e^-x
    return std::pow(x, 4) * std::exp(-x) / (e * e);
  };
  return 9 * gas_constant * std::pow(temperature / theta, 3) * simpson(integrand, upper);
}

// A metal in the free-electron picture: rho = rho_0 + rho_i(T) (Matthiessen),
// k = L0 * T / rho (Wiedemann-Franz), and heat capacity
// c_p = c_v + A c_v^2 T with c_v = gamma*T + Debye(T) and the Nernst-Lindemann
// term A fitted to the measured c_p at 298 K (it restores the ~5 % that the
// Debye c_v misses at room temperature and vanishes at low T).
struct MetalModel {
  double theta_resistivity;         // K, Bloch-Grueneisen temperature
  double resistivity_at_ice_point;  // ohm*m, intrinsic (pure metal) at 273.15 K
  double residual_resistivity;      // ohm*m, rho_0 of this material
  double debye_temperature;         // K
  double electronic_coefficient;    // gamma, J/(mol*K^2)
  double molar_mass;                // kg/mol
  double density;                   // kg/m^3
  double specific_heat_298K;        // J/(kg*K), measured c_p at 298 K

  double resistivity(double temperature) const {
    return residual_resistivity +
           intrinsic_resistivity(temperature, theta_resistivity, resistivity_at_ice_point);
  }
  double wiedemann_franz_conductivity(double temperature) const {
    return sommerfeld_lorenz_number * temperature / resistivity(temperature);
  }
  double molar_heat_capacity_constant_volume(double temperature) const {
    return electronic_coefficient * temperature +
           debye_molar_heat_capacity(temperature, debye_temperature);
  }
  double volumetric_heat_capacity(double temperature) const {
    const double cv_298 = molar_heat_capacity_constant_volume(298.15);
    const double nernst_lindemann =
        (specific_heat_298K * molar_mass - cv_298) / (cv_298 * cv_298 * 298.15);
    const double cv = molar_heat_capacity_constant_volume(temperature);
    return (cv + nernst_lindemann * cv * cv * temperature) * density / molar_mass;
  }
};

void set_isotropic(Material& material, const Property& conductivity) {
  material.conductivity = {conductivity, conductivity, conductivity};
}

void fill_metal(Material& material, const MetalModel& model) {
  const std::vector<double> grid = model_grid();
  set_isotropic(material,
                tabulate(grid, [&](double t) { return model.wiedemann_franz_conductivity(t); }));
  material.heat_capacity =
      tabulate(grid, [&](double t) { return model.volumetric_heat_capacity(t); });
  material.electrical_conductivity =
      tabulate(grid, [&](double t) { return 1 / model.resistivity(t); });
  material.relative_permittivity = 1;  // not used for conductors
}

// --- copper ---------------------------------------------------------------
// Intrinsic resistivity of copper at 273.15 K: 1.543e-8 ohm*m, Matula,
// J. Phys. Chem. Ref. Data 8, 1147 (1979), Table (recommended values for Cu).
// The temperature dependence is Bloch-Grueneisen with theta_R = 343.5 K, which
// reproduces Matula's table within 2 % from 100 K to 400 K (1.72e-8 at 300 K
// against 1.725e-8 recommended; 0.341e-8 at 100 K against 0.348e-8).
constexpr double copper_resistivity_ice_point = 1.543e-8;
constexpr double copper_theta_resistivity = 343.5;

// Thermal conductivity of copper: Hust & Lankford, NBSIR 84-3007 (1984),
// "Thermal conductivity of aluminum, copper, iron and tungsten for temperatures
// from 1 K to the melting point", the model adopted by the NIST cryogenic
// material property database for OFHC copper:
//   W = 1/k = W_0 + W_i + W_i0,  W_0 = beta/T,
//   W_i = P1 T^P2 / (1 + P1 P3 T^(P2+P4) exp(-(P5/T)^P6)),
//   W_i0 = P7 W_i W_0 / (W_i + W_0),  P7 = 0.838 / (beta/0.0003)^0.1661,
// with beta = rho_0 / L0 (Hust & Lankford write beta = 0.634/RRR, the same to 2 %).
// Reproduces the NIST RRR = 50/100/300 fits within 3 % from 4 K to 300 K.
double copper_thermal_conductivity(double temperature, double residual_resistivity) {
  constexpr double p1 = 1.754e-8, p2 = 2.763, p3 = 1102, p4 = -0.165, p5 = 70, p6 = 1.756;
  const double beta = residual_resistivity / sommerfeld_lorenz_number;
  const double p7 = 0.838 / std::pow(beta / 0.0003, 0.1661);
  const double w0 = beta / temperature;
  const double wi =
      p1 * std::pow(temperature, p2) /
      (1 + p1 * p3 * std::pow(temperature, p2 + p4) * std::exp(-std::pow(p5 / temperature, p6)));
  const double wi0 = p7 * wi * w0 / (wi + w0);
  return 1 / (w0 + wi + wi0);
}

// Specific heat of copper (J/(kg*K)), NIST cryogenic material properties, OFHC
// copper: log10 c_p = sum a_i (log10 T)^i, 4-300 K, fit error 5 % (10 % below 15 K).
double copper_specific_heat_nist(double temperature) {
  constexpr double a[] = {-1.91844, -0.15973, 8.61013, -18.996,
                          21.9661,  -12.7328, 3.54322, -0.3797};
  const double x = std::log10(temperature);
  double exponent = 0, power = 1;
  for (double coefficient : a) {
    exponent += coefficient * power;
    power *= x;
  }
  return std::pow(10.0, exponent);
}

// --- silicon: donor freeze-out ----------------------------------------------
// n-type (phosphorus) silicon, 10 ohm*cm at 300 K. Electron density from charge
// neutrality with one donor level (no compensation):
//   n^2 + n N' - N' N_D = 0,  N' = (N_c / g) exp(-E_d / kT),  g = 2,
// E_d = 45 meV (phosphorus), N_c = 2.86e19 cm^-3 (T/300)^1.5: Sze & Ng, Physics
// of Semiconductor Devices, 3rd ed. (2007), Sec. 1.4-1.5 (Table of donor
// ionization energies; Appendix G for N_c). Intrinsic carriers (< 1.5 % of N_D at
// 400 K) are neglected.
double silicon_electron_density(double temperature, double donor_density) {
  const double conduction_band_density = 2.86e19 * std::pow(temperature / 300, 1.5);  // cm^-3
  const double reduced =
      conduction_band_density / 2 * std::exp(-0.045 / (boltzmann_eV * temperature));
  // Stable root of n^2 + n*reduced - reduced*N_D = 0.
  return 2 * reduced * donor_density /
         (reduced + std::sqrt(reduced * reduced + 4 * reduced * donor_density));
}

// Electron mobility (cm^2/(V*s)): lattice scattering 1.43e9 T^-2.42, Jacoboni,
// Canali, Ottaviani & Alberigi Quaranta, Solid-State Electron. 20, 77 (1977)
// (fit to drift mobility of pure Si, 77-400 K), combined (Matthiessen) with an
// ionized-impurity limit 1e5 (T/77 K)^1.5 (engineering estimate for ~4e14 cm^-3,
// giving 2.8e4 cm^2/(V*s) at 77 K).
double silicon_electron_mobility(double temperature) {
  const double lattice = 1.43e9 * std::pow(temperature, -2.42);
  const double impurity = 1e5 * std::pow(temperature / 77, 1.5);
  return 1 / (1 / lattice + 1 / impurity);
}

constexpr double silicon_resistivity_300K = 0.10;  // ohm*m (10 ohm*cm)
// Below this the substrate is an insulator for every analysis here (at 1 MHz,
// sigma / (omega eps) < 2e-3); freeze-out drives the model far lower, which
// would only hurt the conditioning of conduction solves.
constexpr double silicon_conductivity_floor = 1e-6;  // S/m

double silicon_conductivity(double temperature, double donor_density) {
  const double per_cm = elementary_charge * silicon_electron_density(temperature, donor_density) *
                        silicon_electron_mobility(temperature);  // S/cm
  return std::max(100 * per_cm, silicon_conductivity_floor);
}

// Donor density giving the target resistivity at 300 K (fixed point on the
// ionized fraction, which is 99.99 % at 300 K).
double silicon_donor_density() {
  const double target_electrons =
      1 / (100 * silicon_resistivity_300K * elementary_charge * silicon_electron_mobility(300));
  double donors = target_electrons;
  for (int iteration = 0; iteration < 20; ++iteration) {
    donors *= target_electrons / silicon_electron_density(300, donors);
  }
  return donors;
}

}  // namespace

// ===========================================================================
Material silicon() {
  Material m;
  m.name = "silicon";
  m.description = "Single-crystal Si, n-type 10 ohm*cm (4e14 cm^-3 P), bulk crystal k";
  // Thermal conductivity, W/(m*K). 100-400 K: TPRC recommended values, Ho,
  // Powell & Liley, J. Phys. Chem. Ref. Data 1, 279 (1972), silicon table
  // (= Touloukian et al., TPRC vol. 1 (1970)); 1.48 W/(cm*K) at 300 K.
  // 50-80 K: Glassbrenner & Slack, Phys. Rev. 134, A1058 (1964), smoothed
  // values for their purest crystal. 4-10 K: TPRC recommended (boundary-
  // scattering limited, k ~ T^3, for a crystal of a few mm: 297 W/(m*K) at
  // 4 K). We keep this bulk value: a thinned die (50-100 um) conducts far less
  // at 4 K (Casimir limit, phonon mean free path ~ thickness: ~ 4-8 W/(m*K)),
  // and its value depends on thickness and surface finish, so a cryogenic case
  // should supply a measured table (`based_on: silicon`). 15-40 K: smooth
  // transition between those two sets through the published peak (~4.4e3
  // W/(m*K) near 20-25 K); treat as +-10 % (sample dependent by more).
  set_isotropic(
      m, Property::table({4,  5,  6,  8,   10,  15,  20,  25,     30,  40,  50,
                          60, 70, 80, 100, 150, 200, 250, 273.15, 300, 350, 400},
                         {297,  527,  823,  1560, 2400, 3950, 4410, 4350, 3950, 3200, 2600,
                          2100, 1700, 1390, 884,  409,  264,  191,  168,  148,  119,  98.9}));
  // Specific heat c_p, J/(kg*K), times density 2329 kg/m^3 (CRC Handbook).
  // 4 K: Debye T^3 law with theta_0 = 645 K (Flubacher, Leadbetter & Morrison,
  // Phil. Mag. 4, 273 (1959)). 10-150 K: read from the c_p curve of Flubacher
  // et al. (1959) as compiled by Desai, J. Phys. Chem. Ref. Data 15, 967 (1986),
  // +-3 %. 200-400 K: Desai (1986) / NIST-JANAF (Chase 1998): 20.0 J/(mol*K) =
  // 713 J/(kg*K) at 300 K.
  m.heat_capacity = Property::table(
      {4, 10, 15, 20, 25, 30, 40, 50, 60, 77, 100, 150, 200, 250, 300, 350, 400},
      times(
          {0.0165, 0.32, 1.38, 4.3, 10.9, 21, 53, 92, 129, 193, 259, 408, 557, 649, 713, 757, 788},
          2329.0));
  // Electrical conductivity: donor freeze-out model above (functions
  // silicon_electron_density / silicon_electron_mobility), N_D solved for
  // 10 ohm*cm at 300 K, floored at 1e-6 S/m (fully frozen out below ~13 K).
  const double donors = silicon_donor_density();
  m.electrical_conductivity = tabulate(
      geometric_grid(4, 400, 61), [donors](double t) { return silicon_conductivity(t, donors); });
  // eps_r = 11.9 at 300 K (Sze & Ng 2007, Appendix G); it falls only a few
  // percent on cooling, so a constant is kept.
  m.relative_permittivity = 11.9;
  m.sources =
      "k: Ho, Powell & Liley, J. Phys. Chem. Ref. Data 1, 279 (1972) (TPRC) 100-400 K and 4-10 K; "
      "Glassbrenner & Slack, Phys. Rev. 134, A1058 (1964) 50-80 K; 15-40 K interpolated (+-10%)\n"
      "rho*c_p: Flubacher et al., Phil. Mag. 4, 273 (1959); Desai, J. Phys. Chem. Ref. Data 15, "
      "967 (1986); density 2329 kg/m^3\n"
      "sigma: n-type 10 ohm*cm, freeze-out model (E_d 45 meV, Sze & Ng 2007) with mobility of "
      "Jacoboni et al., Solid-State Electron. 20, 77 (1977); floor 1e-6 S/m\n"
      "eps_r: Sze & Ng, Physics of Semiconductor Devices, 3rd ed. (2007), App. G";
  return m;
}

// Debye-averaged sound velocity of silicon, 3/v^3 = 1/v_L^3 + 2/v_T^3 with
// v_L = 8430 m/s, v_T = 5840 m/s ([100] averages; McSkimin, J. Appl. Phys. 24,
// 988 (1953) elastic constants).
constexpr double silicon_sound_velocity = 6355;  // m/s

Material silicon_thinned(double thickness_m) {
  if (!std::isfinite(thickness_m) || thickness_m <= 0) {
    throw std::invalid_argument("silicon_thinned: thickness must be a positive length, got " +
                                std::to_string(thickness_m) + " m");
  }
  Material m = silicon();
  const Property bulk = m.conductivity[0];
  const Property heat_capacity = m.heat_capacity;
  // Casimir limit with mean free path = thickness (diffuse surfaces, gray
  // phonons). Across a thin slab the equation of phonon radiative transfer
  // gives rho*c_p*v*d/4 instead (Majumdar, J. Heat Transfer 115, 7 (1993)):
  // the estimate is good to ~30 %. Combined with the bulk (itself a few-mm crystal) by adding
  // thermal resistivities; the bulk's own boundary term is then counted
  // twice, negligible while the thickness is below ~0.5 mm.
  const auto thinned = [&](double t) {
    const double boundary = heat_capacity(t) * silicon_sound_velocity * thickness_m / 3;
    return 1 / (1 / bulk(t) + 1 / boundary);
  };
  std::vector<double> grid = bulk.table_temperatures();
  set_isotropic(m, tabulate(grid, thinned));
  char thickness_text[32];
  std::snprintf(thickness_text, sizeof thickness_text, "%.3g um", thickness_m * 1e6);
  m.name = "silicon_thinned";
  m.description =
      std::string("Silicon die thinned to ") + thickness_text + " (boundary-limited k at low T)";
  m.sources =
      "k: bulk silicon k (see silicon) combined with the Casimir boundary limit "
      "rho*c_p*v*thickness/3, v = 6355 m/s (Casimir, Physica 5, 495 (1938)); +-30 % "
      "below 20 K\n" +
      m.sources.substr(m.sources.find('\n') + 1);
  return m;
}

Material copper(double rrr) {
  if (!std::isfinite(rrr) || rrr <= 1) {
    throw std::invalid_argument("copper: residual-resistance ratio must be a number > 1, got " +
                                std::to_string(rrr));
  }
  // RRR = rho(273.15 K) / rho(4 K) = (rho_i(273.15) + rho_0) / rho_0.
  const double residual = copper_resistivity_ice_point / (rrr - 1);
  const MetalModel model{copper_theta_resistivity,
                         copper_resistivity_ice_point,
                         residual,
                         343,
                         0.695e-3,
                         63.546e-3,
                         8960,
                         385};
  Material m;
  m.name = "copper";
  m.description = "Copper, RRR " + std::to_string(static_cast<int>(std::lround(rrr))) +
                  " (electroplated TSV Cu: RRR 10-30)";
  fill_metal(m, model);
  const std::vector<double> grid = model_grid();
  set_isotropic(
      m, tabulate(grid, [residual](double t) { return copper_thermal_conductivity(t, residual); }));
  // c_p: NIST OFHC copper fit up to 300 K; 400 K: 25.25 J/(mol*K) = 397 J/(kg*K),
  // NIST-JANAF tables (Chase 1998). Density 8960 kg/m^3 (CRC Handbook).
  std::vector<double> heat_grid, heat_values;
  for (double t : grid) {
    if (t > 300) break;
    heat_grid.push_back(t);
    heat_values.push_back(copper_specific_heat_nist(t) * 8960);
  }
  heat_grid.push_back(400);
  heat_values.push_back(397.3 * 8960);
  m.heat_capacity = Property::table(heat_grid, heat_values);
  m.sources =
      "k: Hust & Lankford, NBSIR 84-3007 (1984) copper model (NIST cryogenic database), "
      "rho_0 from RRR\n"
      "rho*c_p: NIST cryogenic material properties, OFHC copper c_p fit (4-300 K); NIST-JANAF "
      "(400 K); density 8960 kg/m^3\n"
      "sigma: 1/(rho_0 + rho_i(T)), rho_i Bloch-Grueneisen (theta_R 343.5 K) scaled to Matula, "
      "J. Phys. Chem. Ref. Data 8, 1147 (1979): 1.543e-8 ohm*m at 273.15 K\n"
      "eps_r: not used (conductor)";
  return m;
}

Material tungsten() {
  // CVD tungsten as deposited in TSVs and contacts: far more resistive than bulk
  // W (5.4 uOhm*cm at 300 K); 8-15 uOhm*cm is the usual range for CVD W fill.
  // We take rho_0 = 5 uOhm*cm (about 10 uOhm*cm at 300 K): engineering estimate.
  // Intrinsic part: 4.82e-8 ohm*m at 273 K (CRC Handbook, "Electrical
  // resistivity of pure metals"), Bloch-Grueneisen with theta = 400 K.
  // k = L0 T / rho (Wiedemann-Franz; the lattice part, ~10-30 % in bulk W at
  // 300 K, is left out: a lower bound for the fill).
  // Heat capacity: Debye theta 400 K, gamma 1.3 mJ/(mol*K^2) (Kittel,
  // Introduction to Solid State Physics, 8th ed., ch. 5 (theta_D), ch. 6 (gamma)).
  const MetalModel model{400, 4.82e-8, 5.0e-8, 400, 1.3e-3, 183.84e-3, 19300, 132};
  Material m;
  m.name = "tungsten";
  m.description = "CVD tungsten fill, ~10 uOhm*cm at 300 K (estimate)";
  fill_metal(m, model);
  m.sources =
      "k: Wiedemann-Franz from sigma (electronic part only)\n"
      "rho*c_p: Debye theta 400 K + gamma 1.3 mJ/(mol*K^2) (Kittel, 8th ed., ch. 5-6), "
      "Nernst-Lindemann term fitted to c_p 132 J/(kg*K) at 298 K (CRC Handbook); 19300 kg/m^3\n"
      "sigma: rho_0 5e-8 ohm*m (CVD W, engineering estimate) + Bloch-Grueneisen scaled to CRC "
      "Handbook 4.82e-8 ohm*m at 273 K\n"
      "eps_r: not used (conductor)";
  return m;
}

Material aluminium() {
  // Sputtered Al(Cu) metallisation/pads: RRR about 10 (rho ~ 3.0 uOhm*cm at
  // 300 K against 2.73 for pure Al): engineering estimate. Intrinsic 2.417e-8
  // ohm*m at 273 K (CRC Handbook, "Electrical resistivity of pure metals"),
  // Bloch-Grueneisen with theta = 428 K. k = L0 T / rho: overestimates pure Al by
  // ~5-10 % at 150-400 K (Lorenz ratio below L0 there); exact at low T.
  // Superconducting below 1.2 K (not modelled; valid from 4 K).
  const double residual = 2.417e-8 / 9;  // RRR 10
  const MetalModel model{428, 2.417e-8, residual, 428, 1.35e-3, 26.982e-3, 2700, 897};
  Material m;
  m.name = "aluminium";
  m.description = "Aluminium (Al-Cu film), RRR 10, normal state";
  fill_metal(m, model);
  m.sources =
      "k: Wiedemann-Franz from sigma\n"
      "rho*c_p: Debye theta 428 K + gamma 1.35 mJ/(mol*K^2) (Kittel, 8th ed., ch. 5-6), "
      "Nernst-Lindemann term fitted to c_p 897 J/(kg*K) at 298 K (CRC Handbook); 2700 kg/m^3\n"
      "sigma: RRR 10 (film, estimate) + Bloch-Grueneisen scaled to CRC Handbook 2.417e-8 ohm*m "
      "at 273 K\n"
      "eps_r: not used (conductor)";
  return m;
}

Material indium() {
  // Indium bumps for cryogenic stacks, normal state (T_c = 3.41 K; below it
  // the bump is superconducting, which this model does not describe).
  // Intrinsic 8.0e-8 ohm*m at 273 K (CRC Handbook, "Electrical resistivity of
  // pure metals"), Bloch-Grueneisen with theta = 108 K; RRR 20 assumed for
  // plated/evaporated bump indium (estimate). WF gives 80 W/(m*K) at 300 K
  // against 81.8 tabulated (CRC), so L0 is adequate.
  const double residual = 8.0e-8 / 19;  // RRR 20
  const MetalModel model{108, 8.0e-8, residual, 108, 1.69e-3, 114.82e-3, 7310, 233};
  Material m;
  m.name = "indium";
  m.description = "Indium (bumps), RRR 20, normal state (T_c 3.4 K)";
  fill_metal(m, model);
  m.sources =
      "k: Wiedemann-Franz from sigma\n"
      "rho*c_p: Debye theta 108 K + gamma 1.69 mJ/(mol*K^2) (Kittel, 8th ed., ch. 5-6), "
      "Nernst-Lindemann term fitted to c_p 233 J/(kg*K) at 298 K (CRC Handbook); 7310 kg/m^3\n"
      "sigma: RRR 20 (estimate) + Bloch-Grueneisen scaled to CRC Handbook 8.0e-8 ohm*m at 273 K\n"
      "eps_r: not used (conductor)";
  return m;
}

Material sac305() {
  // Sn-3.0Ag-0.5Cu. Tin matrix: intrinsic 11.5e-8 ohm*m at 273 K (CRC
  // Handbook, white Sn), Bloch-Grueneisen with theta = 200 K; alloy residual
  // rho_0 = 0.55e-8 ohm*m chosen so rho(300 K) = 13.2 uOhm*cm, the value in
  // solder property compilations (NIST/Colorado School of Mines "Database for
  // solder properties with emphasis on new lead-free solders", 2002). WF then
  // gives 55 W/(m*K) at 300 K against ~58-64 measured (lattice part missing).
  // Sn becomes superconducting at 3.7 K; the model is for T >= 4 K.
  const MetalModel model{200, 11.5e-8, 0.55e-8, 200, 1.78e-3, 118.71e-3, 7380, 228};
  Material m;
  m.name = "sac305";
  m.description = "SAC305 solder (Sn-3.0Ag-0.5Cu), 13 uOhm*cm at 300 K";
  fill_metal(m, model);
  m.sources =
      "k: Wiedemann-Franz from sigma (55 W/(m*K) at 300 K; measured 58-64)\n"
      "rho*c_p: Sn: Debye theta 200 K + gamma 1.78 mJ/(mol*K^2) (Kittel, 8th ed.), "
      "Nernst-Lindemann term fitted to c_p 228 J/(kg*K) at 298 K (CRC, Sn); 7380 kg/m^3\n"
      "sigma: Sn Bloch-Grueneisen scaled to CRC 11.5e-8 ohm*m at 273 K + alloy rho_0 fitted to "
      "13.2 uOhm*cm at 300 K (NIST solder database, 2002)\n"
      "eps_r: not used (conductor)";
  return m;
}

// Thermal conductivity of vitreous silica, W/(m*K). 4-30 K: Zeller & Pohl,
// Phys. Rev. B 4, 2029 (1971) (plateau ~0.13-0.15 near 5-15 K), as also
// shown in Cahill & Pohl, Phys. Rev. B 35, 4067 (1987).
// 50-400 K: Touloukian et al., TPRC vol. 2 (1970), fused silica (1.38 at 300 K).
// Values between the two sets are smooth interpolations (+-10 %).
Property vitreous_silica_conductivity() {
  return Property::table({4, 5, 7, 9, 12, 15, 20, 30, 50, 77, 100, 150, 200, 250, 300, 350, 400},
                         {0.11, 0.12, 0.135, 0.14, 0.142, 0.155, 0.18, 0.23, 0.36, 0.52, 0.66, 0.90,
                          1.08, 1.24, 1.38, 1.46, 1.53});
}

// Specific heat of vitreous silica, J/(kg*K). 4-235 K: Zeller & Pohl (1971)
// (glassy excess over Debye below 20 K); 300 K: 44.77 J/(mol*K) = 745
// J/(kg*K) (NIST-JANAF, SiO2 at 300 K, checked in the WebBook; vitreous within 4 %); 400 K: 860
// (TPRC vol. 5, fused silica, +-4 %).
Property vitreous_silica_specific_heat() {
  return Property::table({4, 6, 10, 15, 20, 30, 50, 77, 100, 150, 200, 250, 300, 400},
                         {0.15, 0.68, 4.3, 13.4, 25.8, 57, 126, 212, 288, 434, 573, 676, 745, 860});
}

Material sio2() {
  Material m;
  m.name = "sio2";
  m.description = "Amorphous SiO2, bulk/thermal oxide (PECVD liner: ~20% lower k)";
  // We model bulk vitreous silica, which thermal oxide matches within ~5 %;
  // PECVD/TEOS liners measure 1.0-1.2 W/(m*K) at 300 K (e.g. Lee & Cahill,
  // J. Appl. Phys. 81, 2590 (1997)): use a scaled user material for those.
  set_isotropic(m, vitreous_silica_conductivity());
  m.heat_capacity = scaled(vitreous_silica_specific_heat(), 2200);  // density 2200 kg/m^3
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 3.9;  // thermal oxide, Sze & Ng (2007), App. G
  m.sources =
      "k: Zeller & Pohl, Phys. Rev. B 4, 2029 (1971) 4-30 K; Cahill & Pohl, Phys. Rev. B 35, "
      "4067 (1987); Touloukian et al., TPRC vol. 2 (1970) fused silica 50-400 K\n"
      "rho*c_p: Zeller & Pohl (1971) 4-235 K; NIST-JANAF 300 K; TPRC vol. 5 400 K; density "
      "2200 kg/m^3\n"
      "sigma: insulator (0)\n"
      "eps_r: 3.9, Sze & Ng (2007), App. G";
  return m;
}

Material si3n4() {
  Material m;
  m.name = "si3n4";
  m.description = "Amorphous SiN film (PECVD/LPCVD), k 2.0 at 300 K (estimate)";
  // Thin-film amorphous nitride: 1.5-3 W/(m*K) at 300 K depending on process
  // (e.g. Griffin, Brotzen & Loos, J. Appl. Phys. 76, 4007 (1994); Lee & Cahill
  // 1997). We take 2.0 and ASSUME vitreous silica's temperature dependence (both
  // glassy conductors): an engineering estimate below 300 K.
  set_isotropic(m, scaled(vitreous_silica_conductivity(), 2.0 / 1.38));
  // c_p 700 J/(kg*K) at 300 K (TPRC vol. 5, Si3N4), density 2900 kg/m^3 (film,
  // estimate), silica's temperature dependence assumed below 300 K.
  m.heat_capacity = scaled(vitreous_silica_specific_heat(), 2900 * 700.0 / 745.0);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 7.0;  // PECVD/LPCVD nitride 6.5-7.5
  m.sources =
      "k: 2.0 W/(m*K) at 300 K (thin-film range 1.5-3: Griffin et al., J. Appl. Phys. 76, 4007 "
      "(1994)); T-dependence of vitreous silica assumed (estimate)\n"
      "rho*c_p: 700 J/(kg*K) (TPRC vol. 5) x 2900 kg/m^3 (estimate); silica T-dependence\n"
      "sigma: insulator (0)\n"
      "eps_r: 7.0 (film range 6.5-7.5)";
  return m;
}

// Polymers and filled polymers below: room-temperature values. Polymers
// conduct 3-10x less at 4 K; for cryogenic cases supply tables.
Material underfill() {
  Material m;
  m.name = "underfill";
  m.description = "Capillary underfill, silica-filled epoxy (300 K values, estimate)";
  // Range spanned by datasheets of silica-filled capillary underfills for
  // flip-chip/microbump assembly: k 0.4-0.7 W/(m*K), density 1.7-1.8 g/cm^3,
  // c_p ~ 0.9 J/(g*K), eps_r 3.3-3.8. Mid-range values: engineering estimate;
  // use the product's datasheet when known.
  set_isotropic(m, Property::constant(0.55));
  m.heat_capacity = Property::constant(1750 * 900.0);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 3.5;
  m.sources =
      "k, rho*c_p, eps_r: datasheet class of silica-filled capillary underfills (k 0.4-0.7 "
      "W/(m*K), 1.75 g/cm^3, 0.9 J/(g*K), eps_r 3.3-3.8); engineering estimate, 300 K\n"
      "sigma: insulator (0)";
  return m;
}

Material mold_compound() {
  Material m;
  m.name = "mold_compound";
  m.description = "Epoxy mold compound, silica-filled (300 K values, estimate)";
  // Range spanned by datasheets of standard silica-filled epoxy mold
  // compounds: k 0.7-1.0 W/(m*K) (high-k grades 2-3), density 1.9-2.0 g/cm^3,
  // c_p ~ 0.9 J/(g*K), eps_r 3.6-4.0. Engineering estimate.
  set_isotropic(m, Property::constant(0.9));
  m.heat_capacity = Property::constant(1950 * 900.0);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 3.8;
  m.sources =
      "k, rho*c_p, eps_r: datasheet class of silica-filled epoxy mold compounds (k 0.7-1.0 "
      "W/(m*K), 1.95 g/cm^3, 0.9 J/(g*K), eps_r 3.6-4.0); engineering estimate, 300 K\n"
      "sigma: insulator (0)";
  return m;
}

Material tim() {
  Material m;
  m.name = "tim";
  m.description = "Thermal interface material, filled grease/gel class (estimate)";
  // TIM1 greases/gels with ceramic or metal filler: bulk k 3-6 W/(m*K) in
  // datasheets of current TIM1 products; we take 3.0 (the bond-line contact
  // resistance is not included: add an interface resistance). Density 2500 kg/m^3, c_p 0.8 J/(g*K):
  // estimates.
  set_isotropic(m, Property::constant(3.0));
  m.heat_capacity = Property::constant(2500 * 800.0);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 5.0;
  m.sources =
      "k: datasheet class of filled TIM greases/gels, 3-6 W/(m*K); 3.0 taken (estimate)\n"
      "rho*c_p: 2500 kg/m^3 x 800 J/(kg*K) (estimate)\n"
      "sigma: electrically insulating grade (0)\n"
      "eps_r: 5 (estimate; not a dielectric of interest)";
  return m;
}

Material polyimide() {
  Material m;
  m.name = "polyimide";
  m.description = "Polyimide (Kapton-type) RDL/passivation film";
  // NIST cryogenic material properties, Polyimide (Kapton):
  // log10 k = sum a_i (log10 T)^i, 4-300 K (clamped above 300 K).
  constexpr double a[] = {5.73101, -39.5199, 79.9313, -83.8572,
                          50.9157, -17.9835, 3.42413, -0.27133};
  std::vector<double> grid;
  for (double t : model_grid()) {
    if (t <= 300) grid.push_back(t);
  }
  set_isotropic(m, tabulate(grid, [&a](double t) {
                  const double x = std::log10(t);
                  double exponent = 0, power = 1;
                  for (double coefficient : a) {
                    exponent += coefficient * power;
                    power *= x;
                  }
                  return std::pow(10.0, exponent);
                }));
  // DuPont Kapton HN datasheet: density 1420 kg/m^3, c_p 1.09 J/(g*K) at 296 K
  // (room-temperature value; lower at cryogenic temperatures). eps_r 3.4 (1 kHz).
  m.heat_capacity = Property::constant(1420 * 1090.0);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 3.4;
  m.sources =
      "k: NIST cryogenic material properties, Polyimide (Kapton) fit, 4-300 K\n"
      "rho*c_p: DuPont Kapton HN datasheet (1420 kg/m^3, 1.09 J/(g*K), 296 K)\n"
      "sigma: insulator (0)\n"
      "eps_r: 3.4, DuPont Kapton HN datasheet";
  return m;
}

Material air() {
  Material m;
  m.name = "air";
  m.description = "Air, 1 atm, 300 K (conduction only; use vacuum gaps when cold)";
  // Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, Table A.4, 300 K:
  // k 0.0263 W/(m*K), density 1.1614 kg/m^3, c_p 1007 J/(kg*K).
  set_isotropic(m, Property::constant(0.0263));
  m.heat_capacity = Property::constant(1.1614 * 1007);
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 1.0006;
  m.sources =
      "k, rho*c_p: Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, Table A.4 (300 K)\n"
      "sigma: insulator (0)\n"
      "eps_r: 1.0006 (dry air, 1 atm)";
  return m;
}

Material beol() {
  // Effective back-end-of-line stack (Cu damascene lines in oxide), a rule of
  // mixtures, not measured data. Assumptions (engineering estimate):
  //  - alternating line levels and via levels of equal thickness;
  //  - line levels are 40 % copper, half of them running along x, half along y;
  //  - via levels conduct vertically through 1 % copper area (continuous stacks);
  //  - line copper has RRR 2 (size effect in narrow lines; ~2.5 uOhm*cm at 300 K);
  //  - dielectric is oxide (sio2 here; low-k SiCOH is 3-4x lower).
  // Along a line: parallel; across lines / through levels: series.
  constexpr double line_fraction = 0.4, via_fraction = 0.01;
  const double line_residual = copper_resistivity_ice_point / (2.0 - 1.0);
  const Property dielectric = vitreous_silica_conductivity();
  const auto copper_line = [line_residual](double t) {
    return copper_thermal_conductivity(t, line_residual);
  };
  const auto in_plane = [&](double t) {
    const double k_cu = copper_line(t), k_d = dielectric(t);
    const double along = line_fraction * k_cu + (1 - line_fraction) * k_d;
    const double across = 1 / (line_fraction / k_cu + (1 - line_fraction) / k_d);
    const double via_level = via_fraction * k_cu + (1 - via_fraction) * k_d;
    return 0.25 * along + 0.25 * across + 0.5 * via_level;
  };
  const auto vertical = [&](double t) {
    const double k_cu = copper_line(t), k_d = dielectric(t);
    const double line_level = line_fraction * k_cu + (1 - line_fraction) * k_d;
    const double via_level = via_fraction * k_cu + (1 - via_fraction) * k_d;
    return 2 / (1 / line_level + 1 / via_level);
  };
  const std::vector<double> grid = model_grid();
  Material m;
  m.name = "beol";
  m.description = "Effective BEOL stack (Cu/oxide mixture, estimate), anisotropic";
  const Property k_in_plane = tabulate(grid, in_plane);
  m.conductivity = {k_in_plane, k_in_plane, tabulate(grid, vertical)};
  // Volume-weighted heat capacity: 0.25 copper (0.4 x 1/2 + 0.01 x 1/2 ~ 0.2,
  // rounded up for barriers), 0.75 oxide.
  const Material cu = copper(2.0), oxide = sio2();
  m.heat_capacity = tabulate(
      grid, [&](double t) { return 0.25 * cu.heat_capacity(t) + 0.75 * oxide.heat_capacity(t); });
  // As a whole the stack is not a conductor: wiring is modelled explicitly.
  m.electrical_conductivity = Property::constant(0);
  m.relative_permittivity = 3.9;
  m.sources =
      "k: rule of mixtures (40% Cu line levels, 1% Cu via levels, Cu RRR 2 via the Hust & "
      "Lankford model, oxide ILD from sio2); engineering estimate\n"
      "rho*c_p: 25% copper + 75% sio2 by volume\n"
      "sigma: 0 (wiring modelled explicitly)\n"
      "eps_r: 3.9 (oxide ILD)";
  return m;
}

std::vector<Material> builtin_materials() {
  std::vector<Material> all;
  all.push_back(silicon());
  all.push_back(copper());
  all.push_back(tungsten());
  all.push_back(sio2());
  all.push_back(si3n4());
  all.push_back(sac305());
  all.push_back(indium());
  all.push_back(underfill());
  all.push_back(mold_compound());
  all.push_back(tim());
  all.push_back(aluminium());
  all.push_back(air());
  all.push_back(beol());
  all.push_back(polyimide());
  return all;
}

}  // namespace tsvfield::physics
