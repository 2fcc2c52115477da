#include "solver/hex_element.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace tsvfield::solver {
namespace {

constexpr double kGauss = 0.57735026918962576451;  // 1/sqrt(3)

// Reference coordinates of the face's nodes, in the face's own (cyclic) order.
constexpr std::array<std::array<double, 2>, 4> kQuadReference = {
    {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}};

struct ReferenceValues {
  std::array<double, 8> shape;
  std::array<Vec3, 8> derivative;  // dN/dxi
};

ReferenceValues reference_values(const Vec3& xi) {
  ReferenceValues values{};
  const auto& nodes = hex_reference_nodes();
  for (int a = 0; a < kHexNodes; ++a) {
    const double f0 = 1 + nodes[a][0] * xi[0];
    const double f1 = 1 + nodes[a][1] * xi[1];
    const double f2 = 1 + nodes[a][2] * xi[2];
    values.shape[a] = f0 * f1 * f2 / 8;
    values.derivative[a] = {nodes[a][0] * f1 * f2 / 8, nodes[a][1] * f0 * f2 / 8,
                            nodes[a][2] * f0 * f1 / 8};
  }
  return values;
}

[[noreturn]] void throw_degenerate(double det, const Vec3& position) {
  throw std::runtime_error("inverted or degenerate hexahedron (det J = " + std::to_string(det) +
                           ") near (" + std::to_string(position[0]) + ", " +
                           std::to_string(position[1]) + ", " + std::to_string(position[2]) + ")");
}

}  // namespace

const std::array<Vec3, 8>& hex_reference_nodes() {
  static const std::array<Vec3, 8> nodes = {{{-1, -1, -1},
                                             {1, -1, -1},
                                             {1, 1, -1},
                                             {-1, 1, -1},
                                             {-1, -1, 1},
                                             {1, -1, 1},
                                             {1, 1, 1},
                                             {-1, 1, 1}}};
  return nodes;
}

namespace {

// The base quad of a vertical prism at the in-plane reference point (s, t): shape
// functions, their x and y derivatives (grad_xy N = inv(J)^T (dN/ds, dN/dt)), the
// point and det d(x,y)/d(s,t). The derivatives stay zero when the quad is degenerate
// (area_det <= 0), which the callers report.
struct BaseQuadPoint {
  std::array<double, 4> shape{}, dshape_dx{}, dshape_dy{};
  double x = 0, y = 0, area_det = 0;
};

BaseQuadPoint base_quad_point(const HexCoords& coords, double s, double t) {
  BaseQuadPoint point;
  std::array<double, 4> dshape_ds{}, dshape_dt{};
  double jac[2][2] = {};  // d(x,y)/d(s,t)
  for (int a = 0; a < 4; ++a) {
    const double fs = 1 + kQuadReference[a][0] * s;
    const double ft = 1 + kQuadReference[a][1] * t;
    point.shape[a] = fs * ft / 4;
    dshape_ds[a] = kQuadReference[a][0] * ft / 4;
    dshape_dt[a] = kQuadReference[a][1] * fs / 4;
    point.x += point.shape[a] * coords[a][0];
    point.y += point.shape[a] * coords[a][1];
    for (int i = 0; i < 2; ++i) {
      jac[i][0] += coords[a][i] * dshape_ds[a];
      jac[i][1] += coords[a][i] * dshape_dt[a];
    }
  }
  point.area_det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
  if (!(point.area_det > 0)) return point;
  for (int a = 0; a < 4; ++a) {
    point.dshape_dx[a] = (jac[1][1] * dshape_ds[a] - jac[1][0] * dshape_dt[a]) / point.area_det;
    point.dshape_dy[a] = (-jac[0][1] * dshape_ds[a] + jac[0][0] * dshape_dt[a]) / point.area_det;
  }
  return point;
}

// The prism's point at vertical reference coordinate zeta over a base-quad point.
HexPoint prism_point(const BaseQuadPoint& base, const HexCoords& coords, double zeta) {
  const double height = coords[4][2] - coords[0][2];
  const double bottom = (1 - zeta) / 2, top = (1 + zeta) / 2;
  HexPoint point;
  point.position = {base.x, base.y, coords[0][2] + top * height};
  const double det = base.area_det * height / 2;
  if (!(det > 0)) throw_degenerate(det, point.position);
  point.weight = det;
  for (int a = 0; a < 4; ++a) {
    point.shape[a] = base.shape[a] * bottom;
    point.shape[a + 4] = base.shape[a] * top;
    point.gradient[a] = {base.dshape_dx[a] * bottom, base.dshape_dy[a] * bottom,
                         -base.shape[a] / height};
    point.gradient[a + 4] = {base.dshape_dx[a] * top, base.dshape_dy[a] * top,
                             base.shape[a] / height};
  }
  return point;
}

// hex_point_at for a vertical prism (see is_vertical_prism): the Jacobian is
// block-diagonal, [d(x,y)/d(s,t) 0; 0 h/2], so a 2x2 inverse replaces the 3x3 one.
HexPoint prism_point_at(const HexCoords& coords, const Vec3& xi) {
  return prism_point(base_quad_point(coords, xi[0], xi[1]), coords, xi[2]);
}

}  // namespace

HexPoint hex_point_at(const HexCoords& coords, const Vec3& xi) {
  if (is_vertical_prism(coords)) return prism_point_at(coords, xi);
  const ReferenceValues ref = reference_values(xi);
  // Jacobian J_ij = dx_i / dxi_j.
  double jac[3][3] = {};
  HexPoint point;
  for (int a = 0; a < kHexNodes; ++a) {
    for (int i = 0; i < 3; ++i) {
      point.position[i] += ref.shape[a] * coords[a][i];
      for (int j = 0; j < 3; ++j) jac[i][j] += coords[a][i] * ref.derivative[a][j];
    }
  }
  const double det = jac[0][0] * (jac[1][1] * jac[2][2] - jac[1][2] * jac[2][1]) -
                     jac[0][1] * (jac[1][0] * jac[2][2] - jac[1][2] * jac[2][0]) +
                     jac[0][2] * (jac[1][0] * jac[2][1] - jac[1][1] * jac[2][0]);
  if (!(det > 0)) throw_degenerate(det, point.position);
  // inv(J) by cofactors; grad N = inv(J)^T dN/dxi.
  double inv[3][3];
  inv[0][0] = (jac[1][1] * jac[2][2] - jac[1][2] * jac[2][1]) / det;
  inv[0][1] = (jac[0][2] * jac[2][1] - jac[0][1] * jac[2][2]) / det;
  inv[0][2] = (jac[0][1] * jac[1][2] - jac[0][2] * jac[1][1]) / det;
  inv[1][0] = (jac[1][2] * jac[2][0] - jac[1][0] * jac[2][2]) / det;
  inv[1][1] = (jac[0][0] * jac[2][2] - jac[0][2] * jac[2][0]) / det;
  inv[1][2] = (jac[0][2] * jac[1][0] - jac[0][0] * jac[1][2]) / det;
  inv[2][0] = (jac[1][0] * jac[2][1] - jac[1][1] * jac[2][0]) / det;
  inv[2][1] = (jac[0][1] * jac[2][0] - jac[0][0] * jac[2][1]) / det;
  inv[2][2] = (jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0]) / det;
  for (int a = 0; a < kHexNodes; ++a) {
    point.shape[a] = ref.shape[a];
    for (int i = 0; i < 3; ++i) {
      // dN/dx_i = sum_j dN/dxi_j dxi_j/dx_i = sum_j dN/dxi_j inv[j][i]
      point.gradient[a][i] = ref.derivative[a][0] * inv[0][i] + ref.derivative[a][1] * inv[1][i] +
                             ref.derivative[a][2] * inv[2][i];
    }
  }
  point.weight = det;
  return point;
}

// The top face is the bottom face moved straight up (same x and y at nodes a
// and a + 4) and both faces are level. The mesher's cells are all of this kind.
bool is_vertical_prism(const HexCoords& c) {
  for (int a = 0; a < 4; ++a) {
    if (c[a + 4][0] != c[a][0] || c[a + 4][1] != c[a][1]) return false;
    if (c[a][2] != c[0][2] || c[a + 4][2] != c[4][2]) return false;
  }
  return true;
}

namespace {

HexPoints general_hex_points(const HexCoords& coords) {
  HexPoints points;
  const auto& nodes = hex_reference_nodes();
  // Gauss points at the nodes' reference positions scaled by 1/sqrt(3), weight 1 each.
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const Vec3 xi = {nodes[q][0] * kGauss, nodes[q][1] * kGauss, nodes[q][2] * kGauss};
    points[q] = hex_point_at(coords, xi);
  }
  return points;
}

// An extruded cell (is_vertical_prism) has a block-diagonal Jacobian,
//   [ d(x,y)/d(xi,eta)  0 ; 0  dz/dzeta ],
// so the physical gradients need only the 2x2 inverse of the base quad's map at
// the 4 in-plane Gauss points (shared by both Gauss layers in zeta).

// hex_points for a vertical prism: the same values as the general path (to
// round-off) from one 2x2 inverse per in-plane Gauss point instead of a 3x3
// inverse per Gauss point.
HexPoints prism_points(const HexCoords& coords) {
  HexPoints points;
  for (int q = 0; q < 4; ++q) {
    const BaseQuadPoint base =
        base_quad_point(coords, kQuadReference[q][0] * kGauss, kQuadReference[q][1] * kGauss);
    // Gauss layers at zeta = -+1/sqrt(3).
    points[static_cast<std::size_t>(q)] = prism_point(base, coords, -kGauss);
    points[static_cast<std::size_t>(q + 4)] = prism_point(base, coords, kGauss);
  }
  return points;
}

}  // namespace

HexPoints hex_points(const HexCoords& coords) {
  return is_vertical_prism(coords) ? prism_points(coords) : general_hex_points(coords);
}

namespace {

// The bilinear quad's shape functions and reference derivatives at in-plane
// Gauss point q, computed as prism_points does (same rounding).
struct QuadGaussValues {
  std::array<double, 4> shape{}, dshape_ds{}, dshape_dt{};
};

QuadGaussValues quad_gauss_values(int q) {
  const double s = kQuadReference[q][0] * kGauss;
  const double t = kQuadReference[q][1] * kGauss;
  QuadGaussValues values;
  for (int a = 0; a < 4; ++a) {
    const double fs = 1 + kQuadReference[a][0] * s;
    const double ft = 1 + kQuadReference[a][1] * t;
    values.shape[a] = fs * ft / 4;
    values.dshape_ds[a] = kQuadReference[a][0] * ft / 4;
    values.dshape_dt[a] = kQuadReference[a][1] * fs / 4;
  }
  return values;
}

// Linear factor of the bottom (top) node in z at Gauss layer `level`, as prism_points.
double bottom_factor(int level) {
  const double zeta = level == 0 ? -kGauss : kGauss;
  return (1 - zeta) / 2;
}
double top_factor(int level) {
  const double zeta = level == 0 ? -kGauss : kGauss;
  return (1 + zeta) / 2;
}

}  // namespace

bool PrismFootprint::matches(const HexCoords& coords) const {
  for (int a = 0; a < 4; ++a) {
    if (xy[0][a] != coords[a][0] || xy[1][a] != coords[a][1]) return false;
  }
  return true;
}

PrismFootprint prism_footprint(const HexCoords& coords) {
  PrismFootprint footprint;
  for (int a = 0; a < 4; ++a) {
    footprint.xy[0][a] = coords[a][0];
    footprint.xy[1][a] = coords[a][1];
  }
  std::array<std::array<double, 4>, 4> shape{}, dshape_dx{}, dshape_dy{};  // [q][a]
  for (int q = 0; q < 4; ++q) {
    const QuadGaussValues ref = quad_gauss_values(q);
    double jac[2][2] = {};  // d(x,y)/d(s,t)
    double x = 0, y = 0;
    for (int a = 0; a < 4; ++a) {
      x += ref.shape[a] * coords[a][0];
      y += ref.shape[a] * coords[a][1];
      for (int i = 0; i < 2; ++i) {
        jac[i][0] += coords[a][i] * ref.dshape_ds[a];
        jac[i][1] += coords[a][i] * ref.dshape_dt[a];
      }
    }
    const double area_det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
    footprint.point_xy[q] = {x, y};
    footprint.area_det[q] = area_det;
    shape[q] = ref.shape;
    for (int a = 0; a < 4; ++a) {
      dshape_dx[q][a] = (jac[1][1] * ref.dshape_ds[a] - jac[1][0] * ref.dshape_dt[a]) / area_det;
      dshape_dy[q][a] = (-jac[0][1] * ref.dshape_ds[a] + jac[0][0] * ref.dshape_dt[a]) / area_det;
    }
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      double kx = 0, ky = 0, m = 0;
      for (int q = 0; q < 4; ++q) {
        const double det = footprint.area_det[q];
        kx += det * dshape_dx[q][i] * dshape_dx[q][j];
        ky += det * dshape_dy[q][i] * dshape_dy[q][j];
        m += det * shape[q][i] * shape[q][j];
      }
      footprint.stiffness_x[i][j] = kx;
      footprint.stiffness_y[i][j] = ky;
      footprint.mass[i][j] = m;
    }
  }
  return footprint;
}

void check_prism(const PrismFootprint& footprint, const HexCoords& coords) {
  const double height = coords[4][2] - coords[0][2];
  for (int q = 0; q < 4; ++q) {
    const double det = footprint.area_det[q] * height / 2;
    if (!(det > 0)) {
      throw_degenerate(
          det, {footprint.point_xy[q][0], footprint.point_xy[q][1], coords[0][2] + height / 2});
    }
  }
}

Vec3 prism_point_position(const PrismFootprint& footprint, const HexCoords& coords, int q) {
  const double height = coords[4][2] - coords[0][2];
  const auto& xy = footprint.point_xy[static_cast<std::size_t>(q % 4)];
  return {xy[0], xy[1], coords[0][2] + top_factor(q / 4) * height};
}

const std::array<double, 8>& hex_gauss_shape(int q) {
  static const std::array<std::array<double, 8>, kHexQuadraturePoints> table = [] {
    std::array<std::array<double, 8>, kHexQuadraturePoints> shapes{};
    for (int q2 = 0; q2 < 4; ++q2) {
      const QuadGaussValues ref = quad_gauss_values(q2);
      for (int level = 0; level < 2; ++level) {
        auto& shape = shapes[static_cast<std::size_t>(q2 + 4 * level)];
        for (int a = 0; a < 4; ++a) {
          shape[a] = ref.shape[a] * bottom_factor(level);
          shape[a + 4] = ref.shape[a] * top_factor(level);
        }
      }
    }
    return shapes;
  }();
  return table[static_cast<std::size_t>(q)];
}

HexMatrix prism_stiffness(const PrismFootprint& footprint, double height, const Vec3& k) {
  // 1D factors in z: the mass (2-point Gauss is exact) and k_z times the stiffness.
  const double same_mass = height / 3, other_mass = height / 6;
  const double same_z = k[2] / height;
  HexMatrix matrix;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const double in_plane =
          k[0] * footprint.stiffness_x[i][j] + k[1] * footprint.stiffness_y[i][j];
      const double vertical = same_z * footprint.mass[i][j];
      const double same = in_plane * same_mass + vertical;
      const double other = in_plane * other_mass - vertical;
      matrix[i][j] = same;
      matrix[i + 4][j + 4] = same;
      matrix[i][j + 4] = other;
      matrix[i + 4][j] = other;
    }
  }
  return matrix;
}

HexMatrix prism_mass(const PrismFootprint& footprint, double height, double coefficient) {
  const double same_mass = coefficient * height / 3, other_mass = coefficient * height / 6;
  HexMatrix matrix;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      matrix[i][j] = matrix[i + 4][j + 4] = same_mass * footprint.mass[i][j];
      matrix[i][j + 4] = matrix[i + 4][j] = other_mass * footprint.mass[i][j];
    }
  }
  return matrix;
}

HexVector prism_load(const PrismFootprint& footprint, double height, double density) {
  // sum_b N_b = 1: the mass matrix's row sums, h/2 from the two Gauss layers.
  HexVector vector;
  for (int i = 0; i < 4; ++i) {
    double row = 0;
    for (int j = 0; j < 4; ++j) row += footprint.mass[i][j];
    vector[i] = vector[i + 4] = density * row * height / 2;
  }
  return vector;
}

double prism_volume(const PrismFootprint& footprint, double height) {
  double area = 0;
  for (int q = 0; q < 4; ++q) area += footprint.area_det[q];
  return area * height;
}

FacePoints face_points(const FaceCoords& coords) {
  FacePoints points;
  for (int q = 0; q < kFaceQuadraturePoints; ++q) {
    const double s = kQuadReference[q][0] * kGauss;
    const double t = kQuadReference[q][1] * kGauss;
    Vec3 dxds{}, dxdt{};
    FacePoint& point = points[q];
    for (int a = 0; a < kFaceNodes; ++a) {
      const double fs = 1 + kQuadReference[a][0] * s;
      const double ft = 1 + kQuadReference[a][1] * t;
      point.shape[a] = fs * ft / 4;
      for (int i = 0; i < 3; ++i) {
        point.position[i] += point.shape[a] * coords[a][i];
        dxds[i] += coords[a][i] * kQuadReference[a][0] * ft / 4;
        dxdt[i] += coords[a][i] * kQuadReference[a][1] * fs / 4;
      }
    }
    const Vec3 normal = {dxds[1] * dxdt[2] - dxds[2] * dxdt[1],
                         dxds[2] * dxdt[0] - dxds[0] * dxdt[2],
                         dxds[0] * dxdt[1] - dxds[1] * dxdt[0]};
    point.weight = std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  }
  return points;
}

double hex_volume(const HexPoints& points) {
  double volume = 0;
  for (const auto& point : points) volume += point.weight;
  return volume;
}

Vec3 hex_centroid(const HexCoords& coords) {
  return hex_point_at(coords, {0, 0, 0}).position;
}

HexMatrix hex_stiffness(const HexPoints& points, const std::array<Vec3, 8>& coefficient) {
  HexMatrix matrix{};
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const HexPoint& p = points[q];
    const Vec3& k = coefficient[q];
    for (int a = 0; a < kHexNodes; ++a) {
      const Vec3 flux = {k[0] * p.gradient[a][0] * p.weight, k[1] * p.gradient[a][1] * p.weight,
                         k[2] * p.gradient[a][2] * p.weight};
      for (int b = 0; b < kHexNodes; ++b) {
        matrix[a][b] +=
            flux[0] * p.gradient[b][0] + flux[1] * p.gradient[b][1] + flux[2] * p.gradient[b][2];
      }
    }
  }
  return matrix;
}

HexMatrix hex_mass(const HexPoints& points, const std::array<double, 8>& coefficient) {
  HexMatrix matrix{};
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const HexPoint& p = points[q];
    for (int a = 0; a < kHexNodes; ++a) {
      const double scaled = coefficient[q] * p.weight * p.shape[a];
      for (int b = 0; b < kHexNodes; ++b) matrix[a][b] += scaled * p.shape[b];
    }
  }
  return matrix;
}

HexVector hex_lumped_mass(const HexPoints& points, const std::array<double, 8>& coefficient) {
  // sum_b N_b = 1, so the row sum is sum_q w c N_a.
  return hex_load(points, coefficient);
}

HexVector hex_load(const HexPoints& points, const std::array<double, 8>& density) {
  HexVector vector{};
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    for (int a = 0; a < kHexNodes; ++a) {
      vector[a] += density[q] * points[q].weight * points[q].shape[a];
    }
  }
  return vector;
}

FaceMatrix face_mass(const FacePoints& points, double coefficient) {
  FaceMatrix matrix{};
  for (const auto& p : points) {
    for (int a = 0; a < kFaceNodes; ++a) {
      for (int b = 0; b < kFaceNodes; ++b) {
        matrix[a][b] += coefficient * p.weight * p.shape[a] * p.shape[b];
      }
    }
  }
  return matrix;
}

FaceVector face_load(const FacePoints& points, double density) {
  FaceVector vector{};
  for (const auto& p : points) {
    for (int a = 0; a < kFaceNodes; ++a) vector[a] += density * p.weight * p.shape[a];
  }
  return vector;
}

double face_area(const FacePoints& points) {
  double area = 0;
  for (const auto& p : points) area += p.weight;
  return area;
}

}  // namespace tsvfield::solver
