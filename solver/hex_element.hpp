#pragma once
// The trilinear hexahedron (VTK_HEXAHEDRON node order, see mesh/local_mesh.hpp)
// with 2x2x2 Gauss quadrature, and its bilinear faces with 2x2 quadrature:
// shape functions, physical gradients and the element matrices of a scalar
// diffusion problem. Pure arithmetic: no mesh, no PETSc.
#include <array>

namespace tsvfield::solver {

using Vec3 = std::array<double, 3>;
using HexCoords = std::array<Vec3, 8>;
using FaceCoords = std::array<Vec3, 4>;

inline constexpr int kHexNodes = 8;
inline constexpr int kHexQuadraturePoints = 8;
inline constexpr int kFaceNodes = 4;
inline constexpr int kFaceQuadraturePoints = 4;

using HexMatrix = std::array<std::array<double, 8>, 8>;
using HexVector = std::array<double, 8>;
using FaceMatrix = std::array<std::array<double, 4>, 4>;
using FaceVector = std::array<double, 4>;

// Values at one Gauss point of a hexahedron mapped to physical space.
struct HexPoint {
  std::array<double, 8> shape{};   // N_a
  std::array<Vec3, 8> gradient{};  // grad N_a (physical)
  Vec3 position{};                 // x
  double weight = 0;               // Gauss weight * det(J)
};
using HexPoints = std::array<HexPoint, kHexQuadraturePoints>;

// Values at one Gauss point of a bilinear face.
struct FacePoint {
  std::array<double, 4> shape{};
  Vec3 position{};
  double weight = 0;  // Gauss weight * |dx/ds x dx/dt|
};
using FacePoints = std::array<FacePoint, kFaceQuadraturePoints>;

// Reference coordinates (+-1) of the hexahedron's nodes in VTK order.
const std::array<Vec3, 8>& hex_reference_nodes();

// Shape functions and physical gradients at the 2x2x2 Gauss points. Throws
// std::runtime_error on a degenerate or inverted cell (det J <= 0). Extruded
// cells (top face straight above the bottom one, both level) take a shortcut.
HexPoints hex_points(const HexCoords& coords);
// Shape functions and gradients at an arbitrary reference point xi in [-1,1]^3.
HexPoint hex_point_at(const HexCoords& coords, const Vec3& xi);
FacePoints face_points(const FaceCoords& coords);

double hex_volume(const HexPoints& points);
Vec3 hex_centroid(const HexCoords& coords);

// K_ab = sum_q w (dN_a/dx_i) k_i (dN_b/dx_i) with the diagonal coefficient k
// given per Gauss point (anisotropic materials aligned with the axes).
HexMatrix hex_stiffness(const HexPoints& points, const std::array<Vec3, 8>& coefficient);
// M_ab = sum_q w c N_a N_b with c per Gauss point.
HexMatrix hex_mass(const HexPoints& points, const std::array<double, 8>& coefficient);
// Row-sum lumped mass (positive for the trilinear hexahedron).
HexVector hex_lumped_mass(const HexPoints& points, const std::array<double, 8>& coefficient);
// f_a = sum_q w s N_a with s per Gauss point.
HexVector hex_load(const HexPoints& points, const std::array<double, 8>& density);

// Vertical prisms: the mesher's cells are a footprint quad (nodes 0-3, level)
// extruded straight up (node a + 4 above node a, top level). Their 2x2x2 Gauss
// matrices split into in-plane 2x2 Gauss sums times exact 1D factors in z:
//   K = (kx Kxx + ky Kyy) (x) Mz + kz Mq (x) Kz,   M = c Mq (x) Mz,
// Mz = h [1/3 1/6; 1/6 1/3], Kz = [1 -1; -1 1] / h, so the in-plane sums are
// computed once per footprint quad and shared by every cell of its column.
bool is_vertical_prism(const HexCoords& coords);
struct PrismFootprint {
  std::array<std::array<double, 4>, 2> xy{};        // footprint node coordinates (x row, y row)
  std::array<std::array<double, 2>, 4> point_xy{};  // (x, y) at the in-plane Gauss points
  std::array<double, 4> area_det{};                 // det d(x,y)/d(s,t) there
  FaceMatrix stiffness_x{}, stiffness_y{}, mass{};  // sums of det dphi/dx dphi/dx, ..., det phi phi
  // Whether the footprint was computed from these coordinates (bit-for-bit).
  bool matches(const HexCoords& coords) const;
};
PrismFootprint prism_footprint(const HexCoords& coords);
// Throws std::runtime_error as hex_points does when det J is not positive at a
// Gauss point of the prism cell `coords` on this footprint.
void check_prism(const PrismFootprint& footprint, const HexCoords& coords);
// The Gauss point q (hex_points' order) of a prism cell on this footprint.
Vec3 prism_point_position(const PrismFootprint& footprint, const HexCoords& coords, int q);
// The shape functions at Gauss point q (the same for every hexahedron; as
// hex_points gives them for a prism).
const std::array<double, 8>& hex_gauss_shape(int q);
// The stiffness with a coefficient constant in the cell, and a mass matrix
// (row sums give the lumped mass) with a constant coefficient.
HexMatrix prism_stiffness(const PrismFootprint& footprint, double height, const Vec3& k);
HexMatrix prism_mass(const PrismFootprint& footprint, double height, double coefficient);
// hex_load and hex_volume of a prism cell with a density constant in the cell.
HexVector prism_load(const PrismFootprint& footprint, double height, double density);
double prism_volume(const PrismFootprint& footprint, double height);

FaceMatrix face_mass(const FacePoints& points, double coefficient);
FaceVector face_load(const FacePoints& points, double density);
double face_area(const FacePoints& points);

}  // namespace tsvfield::solver
