// Writes the SPICE models and Touchstone files of two synthetic TSV lines for the
// ngspice ctest (tests/si/ngspice_ladder_check.py):
//   gsg_ladder.sp,  gsg_exact.s2p    GSG, 100 um in 10 ohm*cm silicon, 10 MHz-40 GHz;
//   gssg_ladder.sp, gssg_exact.s4p   two coupled signals (mutual L, common-return R),
//                   gssg_ladder.s4p  two sections (10 and 1 ohm*cm) and end shunts;
//                                    the second file is the ladder's own chain matrix,
//                                    which ngspice must reproduce almost exactly;
//   resistive_ladder.sp, resistive_ladder.s4p   the same with 1000x the metal
//                   resistivity (large mutual R through the common return).
// (plus each case's W-element files). Usage: spice_write_synthetic OUTPUT_DIR
#include <cstdio>
#include <exception>
#include <filesystem>

#include "io/spice_model.hpp"
#include "io/touchstone.hpp"
#include "physics/ladder_model.hpp"
#include "spice_synthetic.hpp"

namespace {

using namespace tsvfield;

io::TouchstoneData touchstone_of(const physics::LadderModel& ladder,
                                 const std::vector<physics::SectionRlgcSweep>& sections,
                                 bool from_ladder) {
  io::TouchstoneData data;
  data.frequencies_Hz = sections.front().frequencies_Hz;
  data.reference_impedance_ohm = 50;
  for (std::size_t k = 0; k < data.frequencies_Hz.size(); ++k) {
    const solver::ComplexMatrix chain =
        from_ladder
            ? physics::ladder_chain_matrix(ladder, data.frequencies_Hz[k])
            : physics::exact_chain_matrix(sections, ladder.near_end_shunt, ladder.far_end_shunt, k);
    data.s.push_back(physics::scattering_from_chain(chain, 50));
  }
  for (const std::string& name : ladder.signal_names) data.port_names.push_back(name + ".near");
  for (const std::string& name : ladder.signal_names) data.port_names.push_back(name + ".far");
  data.comments.push_back(from_ladder ? "synthetic TSV line: S of the RLGC ladder's chain matrix"
                                      : "synthetic TSV line: exact MTL S-parameters");
  return data;
}

void write_case(const std::filesystem::path& directory, const std::string& stem,
                const physics::LadderModel& ladder,
                const std::vector<physics::SectionRlgcSweep>& sections, bool ladder_touchstone) {
  io::write_spice_models(directory, stem, "synthetic " + stem, ladder, sections);
  const std::string extension = io::touchstone_extension(2 * ladder.conductors);
  io::write_touchstone((directory / (stem + "_exact" + extension)).string(),
                       touchstone_of(ladder, sections, false));
  if (ladder_touchstone)
    io::write_touchstone((directory / (stem + "_ladder" + extension)).string(),
                         touchstone_of(ladder, sections, true));
  std::printf("%s: %d signal(s), valid to %.6g Hz (max frequency %.6g Hz), segments:", stem.c_str(),
              ladder.conductors, ladder.validity.valid_to_Hz, ladder.max_frequency_Hz);
  for (const physics::LadderSection& section : ladder.sections)
    std::printf(" %s=%d (shunt fit error %.3g)", section.layer.c_str(), section.segments,
                section.shunt.max_relative_error);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path directory = argv[1];
    std::filesystem::create_directories(directory);
    const std::vector<double> frequencies = test::log_sweep(1e7, 40e9, 61);

    test::SyntheticTsv gsg;
    const std::vector<physics::SectionRlgcSweep> gsg_sections = {
        test::synthetic_section(gsg, 100e-6, frequencies, "die")};
    const physics::LadderModel gsg_ladder =
        physics::build_ladder_model(gsg_sections, {}, {}, physics::SpiceModelSpec{});
    write_case(directory, "gsg", gsg_ladder, gsg_sections, false);

    test::SyntheticTsv gssg;
    gssg.signals = 2;
    test::SyntheticTsv gssg_low_resistivity = gssg;
    gssg_low_resistivity.sigma_si_S_per_m = 100;  // 1 ohm*cm
    const std::vector<physics::SectionRlgcSweep> gssg_sections = {
        test::synthetic_section(gssg, 60e-6, frequencies, "die1"),
        test::synthetic_section(gssg_low_resistivity, 50e-6, frequencies, "die2")};
    physics::LumpedShunt pads;  // bump pads: 8 fF to ground, 2 fF between, small loss
    pads.conductors = 2;
    pads.C_F = {10e-15, -2e-15, -2e-15, 10e-15};
    pads.G_S = {2e-6, -0.5e-6, -0.5e-6, 2e-6};
    physics::SpiceModelSpec spec;
    spec.segments = 3;  // fixed: the second check is of the netlist, not the segmentation
    const physics::LadderModel gssg_ladder =
        physics::build_ladder_model(gssg_sections, pads, pads, spec);
    write_case(directory, "gssg", gssg_ladder, gssg_sections, true);

    // Resistive metal (1000x copper's resistivity): the common-return resistance
    // R_12 is then ~10 ohm, so a wrong sign or gain of an H source, or of a K
    // coupling, shows in the crosstalk the netlist check compares.
    test::SyntheticTsv resistive = gssg;
    resistive.sigma_cu_S_per_m = 5.8e4;
    const std::vector<physics::SectionRlgcSweep> resistive_sections = {
        test::synthetic_section(resistive, 100e-6, frequencies, "die")};
    const physics::LadderModel resistive_ladder =
        physics::build_ladder_model(resistive_sections, {}, {}, spec);
    write_case(directory, "resistive", resistive_ladder, resistive_sections, true);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spice_write_synthetic: %s\n", error.what());
    return 1;
  }
  return 0;
}
