#include "io/thermal_review.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/line_chart.hpp"
#include "io/picture_frame.hpp"
#include "io/raster_image.hpp"
#include "io/thermal_pictures.hpp"
#include "io/thermal_report.hpp"

namespace tsvfield::io {
namespace {

// Below this the hottest die is cryogenic: degrees Celsius say nothing useful, and
// the temperatures get two more decimals (rises of millikelvins matter there).
constexpr double kWarmAbove_K = 200;
constexpr int kMapLongSide = 560;
constexpr int kSectionWidth = 800, kSectionHeight = 360;
constexpr Rgb kLayerLine{64, 64, 64};
constexpr int kHistoryWidth = 720, kHistoryHeight = 300;

std::string millimetres(const std::array<double, 3>& point) {
  return text("%.3f, %.3f, %.4f", point[0] * 1e3, point[1] * 1e3, point[2] * 1e3);
}

// A picture written: its file and its colour scale.
struct Picture {
  std::string file;  // relative to the output folder
  double low = 0, high = 0;
};

// Writes the raster of `window`, coloured over its drawn range and framed with
// `words` (io/picture_frame); `overlay` draws on top (markers, outlines) given where
// the raster's top-left corner is.
Picture write_picture(const std::filesystem::path& output_dir, const std::string& file,
                      const ScalarRaster& raster, const PixelWindow& window,
                      const FrameWords& words,
                      const std::function<void(RgbImage&, int, int)>& overlay) {
  const auto [low, high] = drawn_range(raster);
  if (low == ScalarRaster::kEmpty) {
    throw std::runtime_error("the picture " + file + " would be empty: no cell was drawn");
  }
  FramedPicture framed = frame_raster(raster, window, low, high, words);
  overlay(framed.image, framed.raster_left, framed.raster_top);
  write_png(framed.image, output_dir / file);
  return {file, low, high};
}

// A cross of black over white at the pixel of world point (u, v), kept on the raster
// (a maximum on the edge must not cover the frame's tick labels).
void mark(RgbImage& image, int left, int top, const PixelWindow& window, double u, double v) {
  const int i = left + static_cast<int>(std::floor(window.column(u)));
  const int j = top + static_cast<int>(std::floor(window.row(v)));
  const PixelRect raster{left, top, window.width, window.height};
  const auto put = [&](int column, int row, Rgb colour) {
    if (raster.contains(column, row)) image.set(column, row, colour);
  };
  constexpr int kArm = 7;
  for (int along = -kArm; along <= kArm; ++along)
    for (int across : {-1, 1}) {
      put(i + along, j + across, kWhite);
      put(i + across, j + along, kWhite);
    }
  for (int along = -kArm; along <= kArm; ++along) {
    put(i + along, j, kBlack);
    put(i, j + along, kBlack);
  }
}

int mesh_layer_index(const mesh::LocalMesh& mesh, const std::string& name) {
  const auto found = std::find(mesh.layer_names.begin(), mesh.layer_names.end(), name);
  return found == mesh.layer_names.end() ? -1 : static_cast<int>(found - mesh.layer_names.begin());
}

std::vector<const physics::TemperatureStats*> dies_of(const physics::ThermalResults& results,
                                                      const mesh::StackGeometry& geometry) {
  std::vector<const physics::TemperatureStats*> dies;
  for (const auto& stats : results.layers)
    if (is_die(geometry, stats.name)) dies.push_back(&stats);
  if (dies.empty())  // a stack of generic layers: report them all
    for (const auto& stats : results.layers) dies.push_back(&stats);
  return dies;
}

const physics::TemperatureStats& hottest(const std::vector<const physics::TemperatureStats*>& all) {
  return **std::max_element(all.begin(), all.end(),
                            [](const auto* a, const auto* b) { return a->t_max_K < b->t_max_K; });
}

// Highest temperature each layer reached over a transient's output steps.
std::vector<double> peak_over_time(const physics::ThermalResults& results) {
  std::vector<double> peak(results.layers.size(), -1);
  for (const auto& step : results.history_layer_max_K)
    for (std::size_t layer = 0; layer < step.size() && layer < peak.size(); ++layer)
      peak[layer] = std::max(peak[layer], step[layer]);
  return peak;
}

// How temperatures are printed: with degrees Celsius and to 1 mK for a warm stack,
// in kelvins only and to 10 uK for a cryogenic one.
struct TemperatureStyle {
  bool celsius = true;
  int decimals = 3;
};

TemperatureStyle temperature_style(double hottest_K) {
  return hottest_K > kWarmAbove_K ? TemperatureStyle{true, 3} : TemperatureStyle{false, 5};
}

std::string temperature_cells(const physics::TemperatureStats& stats, TemperatureStyle style) {
  const int d = style.decimals;
  std::string cells = text(" %.*f |", d, stats.t_max_K);
  if (style.celsius) cells += text(" %.2f |", stats.t_max_K - kCelsiusOffset);
  cells += text(" %.*f | %.*f | %.*f |", d, stats.t_mean_K, d, stats.t_min_K, d,
                stats.t_max_K - stats.t_min_K);
  return cells;
}

std::string resistance_cell(const physics::TemperatureStats& stats) {
  return stats.has_resistance ? text(" %.4g |", stats.resistance_K_per_W) : std::string(" - |");
}

std::string findings_section(const physics::ThermalResults& results,
                             const std::vector<const physics::TemperatureStats*>& dies,
                             TemperatureStyle style) {
  const physics::TemperatureStats& top = hottest(dies);
  const int d = style.decimals;
  std::string md;
  md += text("- The hottest die is **%s**: **%.*f K", top.name.c_str(), d, top.t_max_K);
  if (style.celsius) md += text(" (%.2f degC)", top.t_max_K - kCelsiusOffset);
  md += "** at (" + millimetres(top.max_location) + ") mm.\n";
  const physics::TemperatureStats* coolest_top = dies.front();
  const physics::TemperatureStats* worst_resistance = nullptr;
  for (const auto* die : dies) {
    if (die->t_max_K < coolest_top->t_max_K) coolest_top = die;
    if (die->has_resistance && (worst_resistance == nullptr ||
                                die->resistance_K_per_W > worst_resistance->resistance_K_per_W))
      worst_resistance = die;
  }
  if (dies.size() > 1) {
    md += text("- Die maxima range from %.*f K (%s) to %.*f K (%s).\n", d, coolest_top->t_max_K,
               coolest_top->name.c_str(), d, top.t_max_K, top.name.c_str());
  }
  // A transient's (T - ambient) / P at the end time is not a thermal resistance.
  if (worst_resistance != nullptr && results.history_time.empty()) {
    // In a stack the largest R is often a low-power die heated by its neighbours; the
    // hottest die's own R is the figure a review compares with a package budget.
    if (top.has_resistance && &top != worst_resistance) {
      md += text(
          "- Thermal resistance to ambient (rise above ambient per watt of the die's own "
          "power): %.4g K/W for the hottest die, %s. The largest is %.4g K/W (%s, %.4g W), "
          "whose rise includes the other dies' heat.\n",
          top.resistance_K_per_W, top.name.c_str(), worst_resistance->resistance_K_per_W,
          worst_resistance->name.c_str(), worst_resistance->power_W);
    } else {
      md += text(
          "- The largest thermal resistance to ambient is %.4g K/W (%s: its rise above ambient "
          "per watt of its own power; the other dies' heat adds to that rise).\n",
          worst_resistance->resistance_K_per_W, worst_resistance->name.c_str());
    }
  }
  const auto& balance = results.heat_balance;
  md += text(
      "- Power in: %.6g W. Out through fixed-temperature surfaces %.6g W, through convection "
      "%.6g W%s. The heat balance closes to %.2e (relative).\n",
      balance.power_in_W + 0.0, balance.fixed_temperature_out_W + 0.0,
      balance.convection_out_W + 0.0,
      balance.stored_W != 0 ? text("; stored %.6g W", balance.stored_W).c_str() : "",
      balance.relative_error);
  if (!results.history_time.empty()) {
    md += text(
        "- Values are at the end of the transient, t = %.6g s; the peak over time of each "
        "die's maximum is in the table.\n",
        results.time);
  }
  return md;
}

std::string dies_section(const physics::ThermalResults& results,
                         const std::vector<const physics::TemperatureStats*>& dies,
                         TemperatureStyle style) {
  const bool transient = !results.history_time.empty();
  const std::vector<double> peak = peak_over_time(results);
  std::string md = "## Thermal: dies\n\n| die | power (W) | T max (K) |";
  if (style.celsius) md += " T max (degC) |";
  md += " T mean (K) | T min (K) | spread (K) | maximum at x, y, z (mm) | R to ambient (K/W) |";
  if (transient) md += " peak T max over time (K) |";
  md += "\n|---|---:|---:|";
  if (style.celsius) md += "---:|";
  md += "---:|---:|---:|---|---:|";
  if (transient) md += "---:|";
  md += "\n";
  for (const auto* die : dies) {
    md += "| " + die->name + text(" | %.4g |", die->power_W) + temperature_cells(*die, style) +
          " " + millimetres(die->max_location) + " |" + resistance_cell(*die);
    if (transient) {
      const auto layer = static_cast<std::size_t>(die - results.layers.data());
      md += layer < peak.size() && peak[layer] >= 0 ? text(" %.*f |", style.decimals, peak[layer])
                                                    : " - |";
    }
    md += "\n";
  }
  md +=
      "\nspread: T max - T min within the die. Every layer (bond, underfill, TIM, lid too) is "
      "in `thermal_layers.csv` and summary.json.\n\n";
  return md;
}

std::string blocks_section(const physics::ThermalResults& results, TemperatureStyle style) {
  if (results.blocks.empty()) return "";
  std::string md = "## Thermal: power blocks\n\n| block | power (W) | T max (K) |";
  if (style.celsius) md += " T max (degC) |";
  md += " T mean (K) | T min (K) | spread (K) | maximum at x, y, z (mm) | R to ambient (K/W) |\n";
  md += style.celsius ? "|---|---:|---:|---:|---:|---:|---:|---|---:|\n"
                      : "|---|---:|---:|---:|---:|---:|---|---:|\n";
  for (const auto& block : results.blocks) {
    md += "| " + block.name + text(" | %.4g |", block.power_W) + temperature_cells(block, style) +
          " " + millimetres(block.max_location) + " |" + resistance_cell(block) + "\n";
  }
  return md + "\n";
}

std::string scale_words(const Picture& picture) {
  return text("colour from %.4f K (blue) to %.4f K (red)", picture.low, picture.high);
}

// A vertical section through the hottest point: the plane y = max_location y, across
// the footprint and up the whole stack.
SectionView draw_section(const mesh::LocalMesh& mesh, const mesh::StackGeometry& geometry,
                         const std::vector<double>& temperature,
                         const physics::TemperatureStats& top, MPI_Comm comm) {
  double z_low = geometry.layers.front().z0, z_high = geometry.layers.front().z1;
  for (const auto& layer : geometry.layers) {
    z_low = std::min(z_low, layer.z0);
    z_high = std::max(z_high, layer.z1);
  }
  const PixelWindow window{geometry.footprint.x0, geometry.footprint.x1, z_low, z_high,
                           kSectionWidth,         kSectionHeight};
  return {window, vertical_section(mesh, temperature, top.max_location[1], window, comm)};
}

std::vector<MapView> draw_maps(const mesh::LocalMesh& mesh, const mesh::StackGeometry& geometry,
                               const std::vector<double>& temperature,
                               const std::vector<const physics::TemperatureStats*>& dies,
                               MPI_Comm comm) {
  std::vector<MapView> maps;
  for (const auto* die : dies) {
    const int layer = mesh_layer_index(mesh, die->name);
    const int geometry_layer = geometry.layer_index(die->name);
    if (layer < 0 || geometry_layer < 0) continue;  // the same on every rank
    const mesh::Rect& region = geometry.layers[static_cast<std::size_t>(geometry_layer)].region;
    const PixelWindow window = fit_window(region.x0, region.x1, region.y0, region.y1, kMapLongSide);
    maps.push_back({die, region, window, layer_map(mesh, temperature, layer, window, comm)});
  }
  return maps;
}

// Pixels per metre up over pixels per metre across.
double height_exaggeration(const PixelWindow& window) {
  return (window.height / (window.v1 - window.v0)) / (window.width / (window.u1 - window.u0));
}

std::string section_markdown(const std::filesystem::path& output_dir,
                             const mesh::StackGeometry& geometry, const SectionView& section,
                             const physics::TemperatureStats& top, TemperatureStyle style) {
  const PixelWindow& window = section.window;
  const double y = top.max_location[1];
  const double exaggeration = height_exaggeration(window);
  FrameWords words;
  words.title = text("Vertical section y = %.3f mm through the hottest point", y * 1e3);
  words.subtitle = text("+ = %s maximum %.*f K; heights x %.3g; grey: layer boundaries",
                        top.name.c_str(), style.decimals, top.t_max_K, exaggeration);
  words.u_name = "x (mm)";
  words.v_name = "z (mm)";
  words.bar_name = "T (K)";
  const Picture picture = write_picture(
      output_dir, "report/section.png", section.raster, window, words,
      [&](RgbImage& image, int left, int top_row) {
        // Layer boundaries, where there is material on at least one side of them.
        for (const auto& layer : geometry.layers)
          for (double z : {layer.z0, layer.z1}) {
            const int below =
                std::clamp(static_cast<int>(std::floor(window.row(z))), 0, window.height - 1);
            const int above = std::max(below - 1, 0);
            for (int i = 0; i < window.width; ++i) {
              if (section.raster.empty_at(i, below) && section.raster.empty_at(i, above)) continue;
              image.set(left + i, top_row + below, kLayerLine);
            }
          }
        mark(image, left, top_row, window, top.max_location[0], top.max_location[2]);
      });
  std::string md = "### Vertical section through the hottest point\n\n";
  md += "![vertical section](" + picture.file + ")\n\n";
  md += text(
            "The plane y = %.3f mm through the maximum of %s (+), heights drawn %.3g times "
            "their true scale; grey lines: layer boundaries; ",
            y * 1e3, top.name.c_str(), exaggeration) +
        scale_words(picture) + ". Blank: no material (void).\n\n";
  return md;
}

std::string maps_markdown(const std::filesystem::path& output_dir, const std::vector<MapView>& maps,
                          TemperatureStyle style) {
  std::string md =
      "### Dies seen from above\n\nEach picture: the die's plan, at each point the highest "
      "temperature through its thickness; + marks the die's maximum; each has its own colour "
      "scale.\n\n";
  for (const MapView& map : maps) {
    const physics::TemperatureStats& die = *map.die;
    FrameWords words;
    words.title = die.name + ": T max through thickness";
    words.subtitle = text("+ = maximum %.*f K at x = %.3f, y = %.3f mm", style.decimals,
                          die.t_max_K, die.max_location[0] * 1e3, die.max_location[1] * 1e3);
    words.u_name = "x (mm)";
    words.v_name = "y (mm)";
    words.bar_name = "T (K)";
    const Picture picture = write_picture(
        output_dir, "report/map_" + picture_name(die.name) + ".png", map.raster, map.window, words,
        [&](RgbImage& image, int left, int top) {
          mark(image, left, top, map.window, die.max_location[0], die.max_location[1]);
        });
    md += "#### " + die.name + "\n\n![" + die.name + " from above](" + picture.file + ")\n\n";
    md += text("x from %.3f to %.3f mm, y from %.3f to %.3f mm; ", map.region.x0 * 1e3,
               map.region.x1 * 1e3, map.region.y0 * 1e3, map.region.y1 * 1e3) +
          scale_words(picture) + ".\n\n";
  }
  return md;
}

// A transient's maximum temperature of each die against time (the output steps).
std::string history_chart(const std::filesystem::path& output_dir,
                          const physics::ThermalResults& results,
                          const std::vector<const physics::TemperatureStats*>& dies) {
  if (results.history_time.size() < 2) return "";
  const bool milliseconds = results.history_time.back() < 1;
  const double time_scale = milliseconds ? 1e3 : 1;
  std::vector<ChartSeries> series;
  for (std::size_t d = 0; d < dies.size(); ++d) {
    const auto layer = static_cast<std::size_t>(dies[d] - results.layers.data());
    ChartSeries one;
    one.colour = series_colour(d);
    one.name = dies[d]->name;
    for (std::size_t step = 0; step < results.history_time.size(); ++step) {
      if (layer >= results.history_layer_max_K[step].size()) continue;
      one.x.push_back(results.history_time[step] * time_scale);
      one.y.push_back(results.history_layer_max_K[step][layer]);
    }
    series.push_back(std::move(one));
  }
  ChartOptions options;
  options.title = "Maximum temperature of each die against time";
  options.x_label = milliseconds ? "time (ms)" : "time (s)";
  options.y_label = "T max (K)";
  const std::string file = "report/history.png";
  write_png(line_chart(series, kHistoryWidth, kHistoryHeight, options), output_dir / file);
  return "### Maximum temperature of each die against time\n\n![history](" + file + ")\n\n" +
         text(
             "T max in K against time in %s at the output steps, one colour per die as in the "
             "legend",
             milliseconds ? "ms" : "s") +
         (dies.size() > 8 ? " (colours repeat after 8)" : "") +
         ". Every layer's is in `thermal_history.csv`.\n\n";
}

std::string heat_balance_section(const physics::ThermalResults& results) {
  const auto& balance = results.heat_balance;
  std::string md = "## Thermal: heat balance\n\n| | W |\n|---|---:|\n";
  md += text("| power in (sources and heat-flux surfaces) | %.9g |\n", balance.power_in_W + 0.0);
  md += text("| out through fixed-temperature surfaces | %.9g |\n",
             balance.fixed_temperature_out_W + 0.0);
  md += text("| out through convection | %.9g |\n", balance.convection_out_W + 0.0);
  md += text("| stored (transient) | %.9g |\n", balance.stored_W + 0.0);
  md += text("| relative error | %.2e |\n\n", balance.relative_error);
  if (!results.solver.preconditioner.empty())
    md += "Thermal preconditioner: " + results.solver.preconditioner + ".\n\n";
  return md;
}

}  // namespace

std::string picture_name(const std::string& layer_name) {
  std::string name = layer_name;
  for (char& character : name) {
    const bool plain =
        (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
        (character >= '0' && character <= '9') || character == '-' || character == '_';
    if (!plain) character = '_';
  }
  return name;
}

ThermalDrawings draw_thermal_pictures(const mesh::LocalMesh& mesh,
                                      const mesh::StackGeometry& geometry,
                                      const physics::ThermalResults& results, MPI_Comm comm) {
  if (results.layers.empty() || geometry.layers.empty()) {
    throw std::runtime_error("no thermal results to report");
  }
  const std::vector<const physics::TemperatureStats*> dies = dies_of(results, geometry);
  const physics::TemperatureStats& top = hottest(dies);
  return {draw_section(mesh, geometry, results.temperature_K, top, comm),
          draw_maps(mesh, geometry, results.temperature_K, dies, comm)};
}

ReviewText thermal_review_text(const std::filesystem::path& output_dir,
                               const mesh::StackGeometry& geometry,
                               const physics::ThermalResults& results,
                               const ThermalDrawings& drawings) {
  std::filesystem::create_directories(output_dir / "report");
  const std::vector<const physics::TemperatureStats*> dies = dies_of(results, geometry);
  const physics::TemperatureStats& top = hottest(dies);
  const TemperatureStyle style = temperature_style(top.t_max_K);
  ReviewText review;
  review.findings = findings_section(results, dies, style);
  review.body = dies_section(results, dies, style) + blocks_section(results, style) +
                "## Thermal: pictures\n\n" +
                section_markdown(output_dir, geometry, drawings.section, top, style) +
                maps_markdown(output_dir, drawings.maps, style) +
                history_chart(output_dir, results, dies) + heat_balance_section(results);
  review.solvers = solver_row("thermal", results.solver);
  return review;
}

}  // namespace tsvfield::io
