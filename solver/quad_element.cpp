#include "solver/quad_element.hpp"

#include <cmath>
#include <stdexcept>

namespace tsvfield::solver {

namespace {

constexpr double kGauss = 0.57735026918962576451;  // 1/sqrt(3)
constexpr std::array<Vec2, 4> kReferenceNodes = {{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}};

QuadPoint point_at(const QuadCoords& coords, double xi, double eta) {
  QuadPoint point;
  std::array<Vec2, 4> reference_gradient{};
  for (int a = 0; a < kQuadNodes; ++a) {
    double xa = kReferenceNodes[a][0], ya = kReferenceNodes[a][1];
    point.shape[a] = 0.25 * (1 + xa * xi) * (1 + ya * eta);
    reference_gradient[a] = {0.25 * xa * (1 + ya * eta), 0.25 * ya * (1 + xa * xi)};
  }
  // J = d(x, y) / d(xi, eta)
  double j00 = 0, j01 = 0, j10 = 0, j11 = 0;
  for (int a = 0; a < kQuadNodes; ++a) {
    j00 += coords[a][0] * reference_gradient[a][0];
    j01 += coords[a][0] * reference_gradient[a][1];
    j10 += coords[a][1] * reference_gradient[a][0];
    j11 += coords[a][1] * reference_gradient[a][1];
  }
  double det = j00 * j11 - j01 * j10;
  if (!(det > 0)) throw std::runtime_error("degenerate or inverted quadrilateral (det J <= 0)");
  for (int a = 0; a < kQuadNodes; ++a) {
    double dxi = reference_gradient[a][0], deta = reference_gradient[a][1];
    point.gradient[a] = {(j11 * dxi - j10 * deta) / det, (-j01 * dxi + j00 * deta) / det};
  }
  point.weight = det;  // Gauss weights are 1
  return point;
}

}  // namespace

QuadPoints quad_points(const QuadCoords& coords) {
  QuadPoints points;
  int q = 0;
  for (double eta : {-kGauss, kGauss})
    for (double xi : {-kGauss, kGauss}) points[q++] = point_at(coords, xi, eta);
  return points;
}

double quad_area(const QuadPoints& points) {
  double area = 0;
  for (const QuadPoint& point : points) area += point.weight;
  return area;
}

QuadMatrix quad_stiffness(const QuadPoints& points, double coefficient) {
  QuadMatrix matrix{};
  for (const QuadPoint& point : points)
    for (int a = 0; a < kQuadNodes; ++a)
      for (int b = 0; b < kQuadNodes; ++b)
        matrix[a][b] += coefficient * point.weight *
                        (point.gradient[a][0] * point.gradient[b][0] +
                         point.gradient[a][1] * point.gradient[b][1]);
  return matrix;
}

QuadMatrix quad_mass(const QuadPoints& points, double coefficient) {
  QuadMatrix matrix{};
  for (const QuadPoint& point : points)
    for (int a = 0; a < kQuadNodes; ++a)
      for (int b = 0; b < kQuadNodes; ++b)
        matrix[a][b] += coefficient * point.weight * point.shape[a] * point.shape[b];
  return matrix;
}

QuadVector quad_load(const QuadPoints& points, double coefficient) {
  QuadVector vector{};
  for (const QuadPoint& point : points)
    for (int a = 0; a < kQuadNodes; ++a) vector[a] += coefficient * point.weight * point.shape[a];
  return vector;
}

}  // namespace tsvfield::solver
