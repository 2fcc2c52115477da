#include "app/stack_report.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace tsvfield::app {
namespace {

std::string material_label(const mesh::StackGeometry& geometry, int material) {
  if (material == mesh::kVoidMaterial) return "void";
  return geometry.materials.at(static_cast<std::size_t>(material));
}

// TSVs and bumps per layer, counting a TSV in every layer it crosses.
struct FeatureCounts {
  std::vector<int> tsvs, bumps;
};

FeatureCounts count_features(const mesh::StackGeometry& geometry) {
  FeatureCounts counts;
  counts.tsvs.assign(geometry.layers.size(), 0);
  counts.bumps.assign(geometry.layers.size(), 0);
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    const auto& array = geometry.arrays.at(static_cast<std::size_t>(geometry.conductor_array[c]));
    auto& per_layer = array.is_tsv ? counts.tsvs : counts.bumps;
    for (int layer = array.layer_first; layer <= array.layer_last; ++layer) {
      ++per_layer.at(static_cast<std::size_t>(layer));
    }
  }
  return counts;
}

std::map<std::string, double> power_per_layer(const io::Case& the_case) {
  std::map<std::string, double> power;
  for (const auto& source : the_case.thermal.power) power[source.layer] += source.power;
  return power;
}

std::string line(const char* format, auto... values) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, format, values...);
  return buffer;
}

}  // namespace

std::string format_stack_report(const io::Case& the_case, const mesh::StackGeometry& geometry) {
  constexpr double um = 1e-6, mm = 1e-3;
  std::string text;
  text += "case " + the_case.name + " (" + the_case.file + ")\n";
  if (!the_case.description.empty()) text += "  " + the_case.description + "\n";
  const auto& footprint = geometry.footprint;
  text += line("footprint %.3f x %.3f mm at (%.3f, %.3f) mm, stack height %.1f um\n\n",
               footprint.width() / mm, footprint.height() / mm, footprint.x0 / mm,
               footprint.y0 / mm, (geometry.top() - geometry.bottom()) / um);
  text += line("%-22s %-10s %10s %10s %9s %-15s %-15s %6s %6s %9s\n", "layer", "kind", "z0 [um]",
               "z1 [um]", "t [um]", "material", "fill", "TSVs", "bumps", "power [W]");
  FeatureCounts counts = count_features(geometry);
  auto power = power_per_layer(the_case);
  double total_power = 0;
  for (const auto& [name, watts] : power) total_power += watts;
  for (std::size_t i = 0; i < geometry.layers.size(); ++i) {
    const auto& layer = geometry.layers[i];
    auto found = power.find(layer.name);
    std::string watts = found == power.end() ? "-" : line("%.4g", found->second);
    text += line("%-22s %-10s %10.2f %10.2f %9.2f %-15s %-15s %6d %6d %9s\n", layer.name.c_str(),
                 layer.is_group_fill ? "fill" : mesh::layer_kind_name(layer.kind), layer.z0 / um,
                 layer.z1 / um, (layer.z1 - layer.z0) / um,
                 material_label(geometry, layer.material).c_str(),
                 material_label(geometry, layer.fill_material).c_str(), counts.tsvs[i],
                 counts.bumps[i], watts.c_str());
  }
  int tsv_count = 0, bump_count = 0;
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    const auto& array = geometry.arrays.at(static_cast<std::size_t>(geometry.conductor_array[c]));
    (array.is_tsv ? tsv_count : bump_count) += 1;
  }
  text +=
      line("\n%d TSVs and %d bumps in %zu arrays, %d vertical nets, %zu O-grid sites\n", tsv_count,
           bump_count, geometry.arrays.size(), geometry.net_count, geometry.sites.size());
  text += line("total power %.6g W in %zu sources\n", total_power, the_case.thermal.power.size());
  return text;
}

}  // namespace tsvfield::app
