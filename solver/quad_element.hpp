#pragma once
// The bilinear quadrilateral (counter-clockwise nodes) with 2x2 Gauss quadrature:
// the element matrices of 2D scalar problems on a cross-section (mesh/footprint_mesh
// quads). Pure arithmetic: no mesh, no PETSc.
#include <array>

namespace tsvfield::solver {

using Vec2 = std::array<double, 2>;
using QuadCoords = std::array<Vec2, 4>;
using QuadMatrix = std::array<std::array<double, 4>, 4>;
using QuadVector = std::array<double, 4>;

inline constexpr int kQuadNodes = 4;
inline constexpr int kQuadQuadraturePoints = 4;

struct QuadPoint {
  std::array<double, 4> shape{};   // N_a
  std::array<Vec2, 4> gradient{};  // grad N_a (physical)
  double weight = 0;               // Gauss weight * det(J)
};
using QuadPoints = std::array<QuadPoint, kQuadQuadraturePoints>;

// Throws std::runtime_error on a degenerate or inverted quad (det J <= 0).
QuadPoints quad_points(const QuadCoords& coords);
double quad_area(const QuadPoints& points);

// K_ab = c * integral grad N_a . grad N_b (c constant over the cell).
QuadMatrix quad_stiffness(const QuadPoints& points, double coefficient);
// M_ab = c * integral N_a N_b.
QuadMatrix quad_mass(const QuadPoints& points, double coefficient);
// f_a = c * integral N_a.
QuadVector quad_load(const QuadPoints& points, double coefficient);

}  // namespace tsvfield::solver
