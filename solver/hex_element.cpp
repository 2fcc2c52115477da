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

HexPoint hex_point_at(const HexCoords& coords, const Vec3& xi) {
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
  if (!(det > 0)) {
    throw std::runtime_error("inverted or degenerate hexahedron (det J = " + std::to_string(det) +
                             ") near (" + std::to_string(point.position[0]) + ", " +
                             std::to_string(point.position[1]) + ", " +
                             std::to_string(point.position[2]) + ")");
  }
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

HexPoints hex_points(const HexCoords& coords) {
  HexPoints points;
  const auto& nodes = hex_reference_nodes();
  // Gauss points at the nodes' reference positions scaled by 1/sqrt(3), weight 1 each.
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const Vec3 xi = {nodes[q][0] * kGauss, nodes[q][1] * kGauss, nodes[q][2] * kGauss};
    points[q] = hex_point_at(coords, xi);
  }
  return points;
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
