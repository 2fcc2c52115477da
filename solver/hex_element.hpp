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

FaceMatrix face_mass(const FacePoints& points, double coefficient);
FaceVector face_load(const FacePoints& points, double density);
double face_area(const FacePoints& points);

}  // namespace tsvfield::solver
