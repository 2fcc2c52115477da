#include "mesh/footprint_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tsvfield::mesh {
namespace {

constexpr double kPi = 3.14159265358979323846;
// The O-grid core is a square of half size kCoreRatio * (smallest radius of the site).
constexpr double kCoreRatio = 0.5;
// Graded conductor rings (MeshControls::conductor_surface_cell): largest ratio of
// neighbouring ring thicknesses, and most rings in one conductor band.
constexpr double kConductorRingGrowth = 1.3;
constexpr int kMaxGradedRings = 40;

SourceRef controls_key(const std::string& key) {
  return SourceRef{"", 0, 0, "mesh." + key};
}

// A line of the tensor grid that must exist, with the cell size wanted next to it.
struct HardLine {
  double position;
  double size;
};

struct Interval {
  double lo, hi;
};

// Sorted, merged hard lines.
std::vector<HardLine> merge_lines(std::vector<HardLine> lines, double tolerance) {
  std::sort(lines.begin(), lines.end(),
            [](const HardLine& a, const HardLine& b) { return a.position < b.position; });
  std::vector<HardLine> merged;
  for (const auto& line : lines) {
    if (!merged.empty() && line.position - merged.back().position <= tolerance)
      merged.back().size = std::min(merged.back().size, line.size);
    else
      merged.push_back(line);
  }
  return merged;
}

// Union of intervals as sorted, disjoint intervals.
std::vector<Interval> merge_intervals(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
  std::vector<Interval> merged;
  for (const auto& interval : intervals) {
    if (!merged.empty() && interval.lo <= merged.back().hi)
      merged.back().hi = std::max(merged.back().hi, interval.hi);
    else
      merged.push_back(interval);
  }
  return merged;
}

bool inside_any(const std::vector<Interval>& disjoint, double value) {
  auto it = std::upper_bound(disjoint.begin(), disjoint.end(), value,
                             [](double v, const Interval& i) { return v < i.lo; });
  return it != disjoint.begin() && value < std::prev(it)->hi;
}

// Grid lines along one axis: the hard lines plus graded lines in the gaps between them.
// The size wanted at x is min_i(size_i + (growth - 1) * |x - x_i|, max_size), the
// continuous form of cells growing by `growth` from each feature.
std::vector<double> graded_lines(const std::vector<HardLine>& hard, double growth, double max_size,
                                 const std::vector<Interval>& boxes) {
  std::size_t count = hard.size();
  std::vector<double> from_left(count), from_right(count);
  double slope = growth - 1;
  for (std::size_t k = 0; k < count; ++k) {
    from_left[k] = hard[k].size;
    if (k > 0)
      from_left[k] = std::min(from_left[k],
                              from_left[k - 1] + slope * (hard[k].position - hard[k - 1].position));
  }
  for (std::size_t k = count; k-- > 0;) {
    from_right[k] = hard[k].size;
    if (k + 1 < count)
      from_right[k] = std::min(
          from_right[k], from_right[k + 1] + slope * (hard[k + 1].position - hard[k].position));
  }
  std::vector<double> lines;
  lines.push_back(hard.front().position);
  constexpr int kSamples = 64;
  std::vector<double> cumulative(kSamples + 1);
  for (std::size_t k = 0; k + 1 < count; ++k) {
    double a = hard[k].position, b = hard[k + 1].position, length = b - a;
    bool in_box = inside_any(boxes, 0.5 * (a + b));
    if (!in_box) {
      auto size_at = [&](double x) {
        return std::min(
            {from_left[k] + slope * (x - a), from_right[k + 1] + slope * (b - x), max_size});
      };
      cumulative[0] = 0;
      for (int s = 1; s <= kSamples; ++s) {
        double x0 = a + length * (s - 1) / kSamples, x1 = a + length * s / kSamples;
        double mid = 0.5 * (x0 + x1);
        cumulative[s] = cumulative[s - 1] + (x1 - x0) / size_at(mid);
      }
      int cells = std::max(1, static_cast<int>(std::ceil(cumulative[kSamples] - 0.3)));
      double scale = cumulative[kSamples] / cells;
      int sample = 0;
      for (int c = 1; c < cells; ++c) {
        double target = c * scale;
        while (sample < kSamples && cumulative[sample + 1] < target) ++sample;
        double fraction = (target - cumulative[sample]) /
                          std::max(1e-300, cumulative[sample + 1] - cumulative[sample]);
        lines.push_back(a + length * (sample + fraction) / kSamples);
      }
    }
    lines.push_back(b);
  }
  return lines;
}

int find_line(const std::vector<double>& lines, double value, double tolerance) {
  auto it = std::lower_bound(lines.begin(), lines.end(), value - tolerance);
  if (it == lines.end() || *it > value + tolerance)
    throw std::logic_error("footprint mesher: an O-grid box line is missing from the grid");
  return static_cast<int>(it - lines.begin());
}

struct BoxIndex {
  int i0, i1, j0, j1;
};

class FootprintBuilder {
 public:
  FootprintBuilder(const StackGeometry& geometry, const MeshControls& controls)
      : geometry_(geometry), controls_(controls) {
    const Rect& fp = geometry.footprint;
    tolerance_ = 1e-9 * std::max(fp.width(), fp.height());
    max_size_ = effective_max_size(geometry, controls);
    segments_per_side_ = controls.circle_segments / 4;
  }

  FootprintMesh build() {
    build_grid_lines();
    locate_boxes();
    add_grid();
    for (std::size_t s = 0; s < geometry_.sites.size(); ++s) add_o_grid(static_cast<int>(s));
    build_adjacency();
    return std::move(mesh_);
  }

 private:
  // Positions of a site's box lines along one axis, relative to the centre, such that
  // rays to the box boundary nodes are equally spaced in angle.
  std::vector<double> box_offsets(double half) const {
    std::vector<double> offsets;
    int n = controls_.circle_segments;
    for (int k = 0; k <= segments_per_side_; ++k) {
      double angle = -0.25 * kPi + 2 * kPi * k / n;
      offsets.push_back(k == 0 ? -half : k == segments_per_side_ ? half : half * std::tan(angle));
    }
    return offsets;
  }

  void build_grid_lines() {
    std::vector<HardLine> xs, ys;
    for (const Rect& rect : geometry_.edge_rectangles) {
      xs.push_back({rect.x0, max_size_});
      xs.push_back({rect.x1, max_size_});
      ys.push_back({rect.y0, max_size_});
      ys.push_back({rect.y1, max_size_});
    }
    std::vector<Interval> x_boxes, y_boxes;
    for (const Site& site : geometry_.sites) {
      std::vector<double> offsets = box_offsets(site.box_half);
      double edge_size = offsets[segments_per_side_] - offsets[segments_per_side_ - 1];
      for (double offset : offsets) {
        xs.push_back({site.x + offset, edge_size});
        ys.push_back({site.y + offset, edge_size});
      }
      x_boxes.push_back({site.x - site.box_half, site.x + site.box_half});
      y_boxes.push_back({site.y - site.box_half, site.y + site.box_half});
    }
    x_boxes = merge_intervals(std::move(x_boxes));
    y_boxes = merge_intervals(std::move(y_boxes));
    mesh_.x_lines =
        graded_lines(merge_lines(std::move(xs), tolerance_), controls_.growth, max_size_, x_boxes);
    mesh_.y_lines =
        graded_lines(merge_lines(std::move(ys), tolerance_), controls_.growth, max_size_, y_boxes);
  }

  void locate_boxes() {
    for (const Site& site : geometry_.sites) {
      double h = site.box_half;
      boxes_.push_back({find_line(mesh_.x_lines, site.x - h, 2 * tolerance_),
                        find_line(mesh_.x_lines, site.x + h, 2 * tolerance_),
                        find_line(mesh_.y_lines, site.y - h, 2 * tolerance_),
                        find_line(mesh_.y_lines, site.y + h, 2 * tolerance_)});
    }
  }

  std::size_t grid_node(int i, int j) const {
    return static_cast<std::size_t>(j) * mesh_.x_lines.size() + i;
  }

  // Grid nodes and cells outside every box.
  void add_grid() {
    int nx = static_cast<int>(mesh_.x_lines.size()) - 1;
    int ny = static_cast<int>(mesh_.y_lines.size()) - 1;
    std::vector<char> cell_removed(static_cast<std::size_t>(nx) * ny, 0);
    std::vector<char> node_removed(static_cast<std::size_t>(nx + 1) * (ny + 1), 0);
    for (const BoxIndex& box : boxes_) {
      for (int j = box.j0; j < box.j1; ++j)
        for (int i = box.i0; i < box.i1; ++i)
          cell_removed[static_cast<std::size_t>(j) * nx + i] = 1;
      for (int j = box.j0 + 1; j < box.j1; ++j)
        for (int i = box.i0 + 1; i < box.i1; ++i) node_removed[grid_node(i, j)] = 1;
    }
    grid_node_id_.assign(node_removed.size(), -1);
    for (int j = 0; j <= ny; ++j)
      for (int i = 0; i <= nx; ++i) {
        if (node_removed[grid_node(i, j)]) continue;
        grid_node_id_[grid_node(i, j)] = mesh_.node_count();
        mesh_.nodes.push_back({mesh_.x_lines[i], mesh_.y_lines[j]});
      }
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        if (cell_removed[static_cast<std::size_t>(j) * nx + i]) continue;
        add_cell({grid_node_id_[grid_node(i, j)], grid_node_id_[grid_node(i + 1, j)],
                  grid_node_id_[grid_node(i + 1, j + 1)], grid_node_id_[grid_node(i, j + 1)]},
                 -1, -1, 0);
      }
  }

  void add_cell(const std::array<std::int32_t, 4>& nodes, int site, int band, double radius) {
    mesh_.cells.push_back(nodes);
    mesh_.cell_site.push_back(site);
    mesh_.cell_band.push_back(static_cast<std::int16_t>(band));
    mesh_.cell_band_radius.push_back(radius);
    std::array<double, 2> centroid{0, 0};
    for (std::int32_t node : nodes) {
      centroid[0] += 0.25 * mesh_.nodes[node][0];
      centroid[1] += 0.25 * mesh_.nodes[node][1];
    }
    mesh_.cell_centroid.push_back(centroid);
  }

  // Grid indices of the box boundary nodes, counter-clockwise from the lower-left corner.
  static std::vector<std::pair<int, int>> box_boundary(const BoxIndex& box) {
    std::vector<std::pair<int, int>> boundary;
    for (int i = box.i0; i < box.i1; ++i) boundary.push_back({i, box.j0});
    for (int j = box.j0; j < box.j1; ++j) boundary.push_back({box.i1, j});
    for (int i = box.i1; i > box.i0; --i) boundary.push_back({i, box.j1});
    for (int j = box.j1; j > box.j0; --j) boundary.push_back({box.i0, j});
    return boundary;
  }

  // Ring subdivisions of the band between radii[band - 1] and radii[band].
  int band_ring_count(const Site& site, std::size_t band, int rays) const {
    double inner = site.radii[band - 1], outer = site.radii[band];
    for (const auto& feature : site.features) {
      const FeatureArray& array = geometry_.arrays[feature.array];
      if (array.outer_radius > array.radius && std::abs(array.radius - inner) <= 1e-9 * inner &&
          std::abs(array.outer_radius - outer) <= 1e-9 * outer)
        return controls_.liner_layers;
    }
    double tangential = 2 * kPi * outer / rays;
    return std::clamp(static_cast<int>(std::lround((outer - inner) / tangential)), 1, 4);
  }

  // Whether the band inside circle `circle` is the outermost band of a conductor: the
  // circle is the conductor radius of a feature, and the band is no feature's liner.
  bool is_conductor_surface(const Site& site, std::size_t circle) const {
    double radius = site.radii[circle];
    auto same = [](double a, double b) { return std::abs(a - b) <= 1e-9 * b; };
    bool surface = false;
    for (const auto& feature : site.features) {
      const FeatureArray& array = geometry_.arrays[feature.array];
      if (circle > 0 && array.outer_radius > array.radius &&
          same(array.radius, site.radii[circle - 1]) && same(array.outer_radius, radius))
        return false;
      surface = surface || same(array.radius, radius);
    }
    return surface;
  }

  // Ring parameters (0 < t <= 1, t = 1 on the circle) of a band `width` thick along
  // its thickest ray, graded geometrically from the circle inwards so the outermost
  // ring is at most conductor_surface_cell thick.
  std::vector<double> surface_graded_parameters(double width) const {
    double ratio = std::min(controls_.growth, kConductorRingGrowth);
    double surface = controls_.conductor_surface_cell;
    int count = static_cast<int>(
        std::ceil(std::log(1 + width * (ratio - 1) / surface) / std::log(ratio) - 1e-9));
    count = std::clamp(count, 1, kMaxGradedRings);
    // Thickness from the surface (in units of the band): s * ratio^k, summing to 1.
    double first = (ratio - 1) / (std::pow(ratio, count) - 1);
    std::vector<double> parameters(count);
    parameters[count - 1] = 1;
    double from_surface = 0;
    for (int k = 1; k < count; ++k) {
      from_surface += first * std::pow(ratio, k - 1);
      parameters[count - 1 - k] = 1 - from_surface;
    }
    return parameters;
  }

  // Ring parameters of the outer band (from the last circle to the box), 0 < t <= 1.
  std::vector<double> outer_ring_parameters(const Site& site, int rays) const {
    double radius = site.radii.back();
    double gap = std::max(site.box_half - radius, 1e-300);
    int count = controls_.outer_rings;
    double growth = controls_.growth;
    if (count <= 0) {
      double first = std::min(2 * kPi * radius / rays, gap);
      count =
          static_cast<int>(std::ceil(std::log(1 + gap * (growth - 1) / first) / std::log(growth)));
      count = std::clamp(count, 1, 6);
    }
    std::vector<double> parameters;
    for (int k = 1; k <= count; ++k)
      parameters.push_back((std::pow(growth, k) - 1) / (std::pow(growth, count) - 1));
    return parameters;
  }

  void add_o_grid(int site_index) {
    const Site& site = geometry_.sites[site_index];
    const BoxIndex& box = boxes_[site_index];
    std::vector<std::pair<int, int>> boundary = box_boundary(box);
    int rays = static_cast<int>(boundary.size());
    int a = box.i1 - box.i0, b = box.j1 - box.j0;

    // Box boundary points and the unit directions of the rays through them.
    std::vector<std::array<double, 2>> box_points(rays), directions(rays);
    for (int q = 0; q < rays; ++q) {
      auto [i, j] = boundary[q];
      box_points[q] = {mesh_.x_lines[i], mesh_.y_lines[j]};
      double dx = box_points[q][0] - site.x, dy = box_points[q][1] - site.y;
      double length = std::hypot(dx, dy);
      directions[q] = {dx / length, dy / length};
    }
    double sine_sum = 0;
    for (int q = 0; q < rays; ++q) {
      const auto& u = directions[q];
      const auto& v = directions[(q + 1) % rays];
      sine_sum += u[0] * v[1] - u[1] * v[0];
    }
    double area_factor = std::sqrt(2 * kPi / sine_sum);  // equal-area polygon radius / r

    // Core: a scaled copy of the box's grid.
    double scale = kCoreRatio * site.radii.front() / site.box_half;
    std::vector<std::int32_t> core((a + 1) * (b + 1));
    for (int j = 0; j <= b; ++j)
      for (int i = 0; i <= a; ++i) {
        core[j * (a + 1) + i] = mesh_.node_count();
        mesh_.nodes.push_back({site.x + scale * (mesh_.x_lines[box.i0 + i] - site.x),
                               site.y + scale * (mesh_.y_lines[box.j0 + j] - site.y)});
      }
    double core_radius = 0.5 * site.radii.front();
    for (int j = 0; j < b; ++j)
      for (int i = 0; i < a; ++i)
        add_cell({core[j * (a + 1) + i], core[j * (a + 1) + i + 1], core[(j + 1) * (a + 1) + i + 1],
                  core[(j + 1) * (a + 1) + i]},
                 site_index, 0, core_radius);

    // Ring 0 is the core boundary, in the order of the box boundary.
    std::vector<std::int32_t> previous(rays);
    for (int q = 0; q < rays; ++q) {
      auto [i, j] = boundary[q];
      previous[q] = core[(j - box.j0) * (a + 1) + (i - box.i0)];
    }
    std::vector<std::array<double, 2>> anchor_inner(rays), anchor_outer(rays);
    for (int q = 0; q < rays; ++q) anchor_inner[q] = mesh_.nodes[previous[q]];

    auto add_rings = [&](const std::vector<double>& parameters, int band, double band_radius,
                         bool last_is_box) {
      for (std::size_t k = 0; k < parameters.size(); ++k) {
        std::vector<std::int32_t> ring(rays);
        bool is_box = last_is_box && k + 1 == parameters.size();
        for (int q = 0; q < rays; ++q) {
          if (is_box) {
            auto [i, j] = boundary[q];
            ring[q] = grid_node_id_[grid_node(i, j)];
            continue;
          }
          double t = parameters[k];
          ring[q] = mesh_.node_count();
          mesh_.nodes.push_back({(1 - t) * anchor_inner[q][0] + t * anchor_outer[q][0],
                                 (1 - t) * anchor_inner[q][1] + t * anchor_outer[q][1]});
        }
        for (int q = 0; q < rays; ++q) {
          int next = (q + 1) % rays;
          add_cell({previous[q], ring[q], ring[next], previous[next]}, site_index, band,
                   band_radius);
        }
        previous = std::move(ring);
      }
      anchor_inner = anchor_outer;
    };
    auto uniform = [](int count) {
      std::vector<double> parameters;
      for (int k = 1; k <= count; ++k) parameters.push_back(static_cast<double>(k) / count);
      return parameters;
    };

    for (std::size_t circle = 0; circle < site.radii.size(); ++circle) {
      double radius = site.radii[circle];
      double polygon_radius = area_factor * radius;
      for (int q = 0; q < rays; ++q)
        anchor_outer[q] = {site.x + polygon_radius * directions[q][0],
                           site.y + polygon_radius * directions[q][1]};
      double inner = circle == 0 ? 0 : site.radii[circle - 1];
      std::vector<double> parameters;
      if (controls_.conductor_surface_cell > 0 && is_conductor_surface(site, circle)) {
        // Thickest ray of the band: the rings are parameterised along each ray, so the
        // outermost ring is thickest there.
        double band_width = 0;
        for (int q = 0; q < rays; ++q)
          band_width = std::max(band_width, std::hypot(anchor_outer[q][0] - anchor_inner[q][0],
                                                       anchor_outer[q][1] - anchor_inner[q][1]));
        parameters = surface_graded_parameters(band_width);
      } else {
        parameters =
            uniform(circle == 0 ? controls_.conductor_rings : band_ring_count(site, circle, rays));
      }
      add_rings(parameters, static_cast<int>(circle), 0.5 * (inner + radius), false);
    }
    anchor_outer = box_points;
    double last = site.radii.back();
    add_rings(outer_ring_parameters(site, rays), static_cast<int>(site.radii.size()),
              0.5 * (last + site.box_half), true);
  }

  void build_adjacency() {
    std::int32_t node_count = mesh_.node_count(), cell_count = mesh_.cell_count();
    mesh_.node_cell_start.assign(node_count + 1, 0);
    for (const auto& cell : mesh_.cells)
      for (std::int32_t node : cell) ++mesh_.node_cell_start[node + 1];
    for (std::int32_t n = 0; n < node_count; ++n)
      mesh_.node_cell_start[n + 1] += mesh_.node_cell_start[n];
    mesh_.node_cells.resize(mesh_.node_cell_start.back());
    std::vector<std::int32_t> fill(mesh_.node_cell_start.begin(), mesh_.node_cell_start.end() - 1);
    for (std::int32_t c = 0; c < cell_count; ++c)
      for (std::int32_t node : mesh_.cells[c]) mesh_.node_cells[fill[node]++] = c;

    // Edge neighbours: the other cell holding both end nodes of an edge.
    mesh_.cell_neighbours.assign(cell_count, {-1, -1, -1, -1});
    for (std::int32_t c = 0; c < cell_count; ++c)
      for (int e = 0; e < 4; ++e) {
        std::int32_t n0 = mesh_.cells[c][e], n1 = mesh_.cells[c][(e + 1) % 4];
        for (std::int32_t k = mesh_.node_cell_start[n0]; k < mesh_.node_cell_start[n0 + 1]; ++k) {
          std::int32_t other = mesh_.node_cells[k];
          if (other == c) continue;
          const auto& nodes = mesh_.cells[other];
          if (std::find(nodes.begin(), nodes.end(), n1) != nodes.end()) {
            mesh_.cell_neighbours[c][e] = other;
            break;
          }
        }
      }
  }

  const StackGeometry& geometry_;
  const MeshControls& controls_;
  FootprintMesh mesh_;
  double tolerance_ = 0;
  double max_size_ = 0;
  int segments_per_side_ = 4;
  std::vector<BoxIndex> boxes_;
  std::vector<std::int32_t> grid_node_id_;
};

}  // namespace

double FootprintMesh::cell_area(std::int32_t cell) const {
  const auto& c = cells[cell];
  double twice = 0;
  for (int k = 0; k < 4; ++k) {
    const auto& p = nodes[c[k]];
    const auto& q = nodes[c[(k + 1) % 4]];
    twice += p[0] * q[1] - q[0] * p[1];
  }
  return 0.5 * twice;
}

double FootprintMesh::cell_scaled_jacobian(std::int32_t cell) const {
  const auto& c = cells[cell];
  double worst = 1;
  for (int k = 0; k < 4; ++k) {
    const auto& p = nodes[c[k]];
    const auto& next = nodes[c[(k + 1) % 4]];
    const auto& prev = nodes[c[(k + 3) % 4]];
    double ux = next[0] - p[0], uy = next[1] - p[1];
    double vx = prev[0] - p[0], vy = prev[1] - p[1];
    double lengths = std::hypot(ux, uy) * std::hypot(vx, vy);
    double jacobian = lengths > 0 ? (ux * vy - uy * vx) / lengths : -1;
    worst = std::min(worst, jacobian);
  }
  return worst;
}

double FootprintMesh::cell_min_edge(std::int32_t cell) const {
  const auto& c = cells[cell];
  double smallest = INFINITY;
  for (int k = 0; k < 4; ++k) {
    const auto& p = nodes[c[k]];
    const auto& q = nodes[c[(k + 1) % 4]];
    smallest = std::min(smallest, std::hypot(q[0] - p[0], q[1] - p[1]));
  }
  return smallest;
}

double FootprintMesh::cell_max_edge(std::int32_t cell) const {
  const auto& c = cells[cell];
  double largest = 0;
  for (int k = 0; k < 4; ++k) {
    const auto& p = nodes[c[k]];
    const auto& q = nodes[c[(k + 1) % 4]];
    largest = std::max(largest, std::hypot(q[0] - p[0], q[1] - p[1]));
  }
  return largest;
}

void validate_mesh_controls(const MeshControls& controls) {
  if (controls.circle_segments < 8 || controls.circle_segments % 4 != 0)
    throw InputError(controls_key("circle_segments"),
                     "expected a multiple of 4 of at least 8, found " +
                         std::to_string(controls.circle_segments));
  if (controls.circle_segments > 256)
    throw InputError(controls_key("circle_segments"),
                     "expected at most 256, found " + std::to_string(controls.circle_segments));
  if (!(controls.max_size >= 0) || !std::isfinite(controls.max_size))
    throw InputError(controls_key("max_size"), "expected a non-negative length (0 = automatic)");
  if (!(controls.growth > 1.0 && controls.growth <= 3.0))
    throw InputError(controls_key("growth"),
                     "expected a growth ratio in (1, 3], found " + std::to_string(controls.growth));
  if (controls.liner_layers < 1 || controls.liner_layers > 16)
    throw InputError(controls_key("liner_layers"),
                     "expected 1 to 16, found " + std::to_string(controls.liner_layers));
  if (controls.conductor_rings < 1 || controls.conductor_rings > 16)
    throw InputError(controls_key("conductor_rings"),
                     "expected 1 to 16, found " + std::to_string(controls.conductor_rings));
  if (!(controls.conductor_surface_cell >= 0) || !std::isfinite(controls.conductor_surface_cell))
    throw InputError(controls_key("conductor_surface_cell"),
                     "expected a non-negative length (0 = uniform conductor rings)");
  if (controls.outer_rings < 0 || controls.outer_rings > 32)
    throw InputError(controls_key("outer_rings"),
                     "expected 0 (automatic) to 32, found " + std::to_string(controls.outer_rings));
  if (!(controls.max_z_size >= 0) || !std::isfinite(controls.max_z_size))
    throw InputError(controls_key("max_z_size"), "expected a non-negative length (0 = none)");
}

double effective_max_size(const StackGeometry& geometry, const MeshControls& controls) {
  if (controls.max_size > 0) return controls.max_size;
  return std::hypot(geometry.footprint.width(), geometry.footprint.height()) / 40;
}

FootprintMesh build_footprint_mesh(const StackGeometry& geometry, const MeshControls& controls) {
  validate_mesh_controls(controls);
  return FootprintBuilder(geometry, controls).build();
}

}  // namespace tsvfield::mesh
