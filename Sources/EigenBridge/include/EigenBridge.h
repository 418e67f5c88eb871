#pragma once
// EigenBridge: a plain C API over Eigen 3.4's sparse solvers for mesh Laplacians.
//
// Conventions shared by every function:
// - `tris` holds 3 * nt vertex indices, `verts` 3 * nv coordinates (x y z ...), in any unit.
// - `weighting` is FA_WEIGHTING_UNIFORM or FA_WEIGHTING_COTANGENT.
// - The Laplacian L is positive semi-definite: L_ij = -w_ij for each edge, L_ii = sum_j w_ij.
//   Uniform weights are 1 per edge. Cotangent weights are w_ij = (cot a + cot b) / 2 over the
//   angles opposite the edge, with each negative cotangent clamped to 0 and degenerate
//   triangles (zero area) skipped; every edge keeps a tiny positive weight so that the
//   mesh's connectivity is kept.
// - The return value is 0 on success; otherwise nonzero with a NUL-terminated message in
//   `err` (at most errlen bytes). No C++ exception crosses this API.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FA_WEIGHTING_UNIFORM = 0,
    FA_WEIGHTING_COTANGENT = 1
};

/// Implicit Laplacian smoothing of `nfields` scalar fields over the mesh, in place.
///
/// Solves (M + lambda L) x = M b for each field b, where M is the lumped (barycentric) mass
/// matrix for cotangent weights and the identity for uniform weights, with a sparse LDLT
/// factorisation (Eigen::SimplicialLDLT) done once for all fields. `fields` holds the fields
/// one after another (field k at fields[k * nv .. k * nv + nv - 1]). Vertices in no triangle keep
/// their values. `lambda` >= 0; with cotangent weights it is a diffusion time in the squared
/// unit of `verts` (mm^2 for FaceAtlas meshes).
int fa_laplacian_smooth(const uint32_t *tris, int32_t nt, const double *verts, int32_t nv,
                        int32_t weighting, double lambda, double *fields, int32_t nfields,
                        char *err, int32_t errlen);

/// The harmonic field: solves L x = 0 at the free vertices with x fixed at `fixed_idx` to
/// `fixed_val` (Dirichlet constraints), writing all nv values to `out`.
///
/// The result interpolates smoothly between the fixed values and stays within their range
/// (for uniform weights, and for cotangent weights on meshes without obtuse angles). A fixed
/// vertex in no triangle simply takes its value; free vertices in a connected component with
/// no fixed vertex (including vertices in no triangle) get 0. A vertex may be listed twice only
/// with the same value.
int fa_harmonic_field(const uint32_t *tris, int32_t nt, const double *verts, int32_t nv,
                      int32_t weighting, const int32_t *fixed_idx, const double *fixed_val, int32_t nfixed,
                      double *out, char *err, int32_t errlen);

#ifdef __cplusplus
}
#endif
