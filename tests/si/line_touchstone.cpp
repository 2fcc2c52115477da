#include "tests/si/line_touchstone.hpp"

#include <stdexcept>
#include <string>

#include "io/touchstone.hpp"

namespace tsvfield::test {
namespace {

// N x N row-major values as nested JSON lists.
io::JsonValue nested(const std::vector<double>& values, int n) {
  io::JsonValue rows = io::JsonValue::array();
  for (int row = 0; row < n; ++row)
    rows.push(io::JsonValue::array(
        std::vector<double>(values.begin() + row * n, values.begin() + (row + 1) * n)));
  return rows;
}

std::vector<std::string> port_names(const physics::SectionRlgcSweep& section) {
  std::vector<std::string> names;
  for (const auto& signal : section.signal_names) names.push_back(signal + ".near");
  for (const auto& signal : section.signal_names) names.push_back(signal + ".far");
  return names;
}

int conductor_count(const physics::SectionRlgcSweep& section) {
  if (section.rlgc.empty() || section.rlgc.size() != section.frequencies_Hz.size())
    throw std::invalid_argument("line section: one RLGC set per frequency is required");
  const int n = section.rlgc.front().conductors;
  if (section.signal_names.size() != static_cast<std::size_t>(n))
    throw std::invalid_argument("line section: one signal name per conductor is required");
  return n;
}

}  // namespace

io::JsonValue line_expectation_json(const physics::SectionRlgcSweep& section, double z0_ohm) {
  const int n = conductor_count(section);
  io::JsonValue line = io::JsonValue::object();
  line.set("type", "line").set("layer", section.layer).set("length_m", section.length_m);
  line.set("conductors", n);
  const char* names[] = {"R", "L", "G", "C"};
  for (const char* name : names) {
    io::JsonValue per_frequency = io::JsonValue::array();
    for (const auto& rlgc : section.rlgc) {
      const std::string key = name;
      const std::vector<double>& values = key == "R"   ? rlgc.R
                                          : key == "L" ? rlgc.L
                                          : key == "G" ? rlgc.G
                                                       : rlgc.C;
      per_frequency.push(nested(values, n));
    }
    line.set(name, per_frequency);
  }
  io::JsonValue chain = io::JsonValue::array();
  chain.push(line);

  io::JsonValue doc = io::JsonValue::object();
  doc.set("ports", 2 * n).set("reference_impedance_ohm", z0_ohm);
  doc.set("frequencies_Hz", io::JsonValue::array(section.frequencies_Hz));
  doc.set("port_names", io::JsonValue::array(port_names(section)));
  doc.set("chain", chain);
  return doc;
}

LineTouchstoneFiles write_line_touchstone(const std::filesystem::path& stem,
                                          const physics::SectionRlgcSweep& section, double z0_ohm) {
  const int n = conductor_count(section);
  io::TouchstoneData data;
  data.reference_impedance_ohm = z0_ohm;
  data.frequencies_Hz = section.frequencies_Hz;
  data.port_names = port_names(section);
  data.comments = {"Uniform line section '" + section.layer + "', " + std::to_string(n) +
                   " conductor(s), length " + std::to_string(section.length_m) + " m"};
  for (std::size_t k = 0; k < section.frequencies_Hz.size(); ++k) {
    const auto chain =
        physics::line_chain_matrix(section.rlgc[k], section.length_m, section.frequencies_Hz[k]);
    data.s.push_back(physics::scattering_from_chain(chain, z0_ohm));
  }
  LineTouchstoneFiles files;
  files.touchstone = stem;
  files.touchstone += io::touchstone_extension(2 * n);
  files.expectation = stem;
  files.expectation += ".json";
  io::write_touchstone(files.touchstone.string(), data);
  io::write_json_file(files.expectation, line_expectation_json(section, z0_ohm));
  return files;
}

}  // namespace tsvfield::test
