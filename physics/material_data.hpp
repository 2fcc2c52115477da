#pragma once
// The built-in materials, one function each, with the data and its sources in
// material_data.cpp. MaterialLibrary::builtin() holds one of each (copper at its
// default residual-resistance ratio). Tables cover 4 K to 400 K where the
// material is used cryogenically (silicon, copper, sio2, ...); outside a table
// the value is clamped to the nearest end.
#include <vector>

#include "physics/material.hpp"

namespace tsvfield::physics {

// Default residual-resistance ratio rho(273 K)/rho(4 K) of the "copper" material.
// Electroplated TSV/BEOL copper is typically RRR 10-30 after anneal; 50 is a
// modest bulk (wire/plate) value. The built-in "copper" uses this default.
inline constexpr double default_copper_rrr = 50.0;

// Single-crystal Si, lightly doped (n, 10 ohm*cm at 300 K), bulk-crystal k.
Material silicon();
// Silicon thinned to `thickness_m` (> 0): the bulk k combined (Matthiessen) with
// the boundary-scattering limit k_b = rho*c_p * v * thickness / 3 of a gray
// phonon gas (Casimir), which dominates below ~20 K for dies of 10-100 um.
// Named "silicon_thinned"; rename it for the case. Throws std::invalid_argument.
Material silicon_thinned(double thickness_m);
// Pure copper of the given residual-resistance ratio rho(273 K)/rho(4 K) (> 1;
// throws std::invalid_argument otherwise).
Material copper(double rrr = default_copper_rrr);
Material tungsten();       // CVD tungsten (TSV fill, contacts)
Material sio2();           // amorphous SiO2 (TSV liner, ILD)
Material si3n4();          // amorphous silicon nitride film
Material sac305();         // Sn-3.0Ag-0.5Cu solder
Material indium();         // indium (cryogenic bumps; normal state)
Material underfill();      // capillary underfill, silica-filled epoxy
Material mold_compound();  // epoxy mold compound, silica-filled
Material tim();            // thermal interface material (filled grease/gel class)
Material aluminium();      // aluminium (pads, metallisation)
Material air();            // air at 1 atm (cavities; conduction only)
Material beol();           // effective back-end-of-line stack, anisotropic (x,y vs z)
Material polyimide();      // polyimide (redistribution/passivation layers)

// All of the above, in a std::vector (used by MaterialLibrary::builtin()).
std::vector<Material> builtin_materials();

}  // namespace tsvfield::physics
