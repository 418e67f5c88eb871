#pragma once
// AssimpBridge: a plain C API over the Open Asset Import Library (assimp) for FaceAtlas.
//
// The C++ side builds an aiScene from a flat triangle mesh and hands it to
// Assimp::Exporter, and reads any file assimp understands with Assimp::Importer
// back into one flat, merged triangle mesh. No C++ exception crosses this API:
// every function catches everything and reports failure through its return value
// and an error text buffer.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A triangle mesh to export. Arrays are flat (xyz xyz ..., uv uv ...).
/// Optional arrays are NULL when absent.
typedef struct fa_export_mesh {
    const float *positions;        ///< 3 * vertex_count floats.
    int32_t vertex_count;
    const uint32_t *triangles;     ///< 3 * triangle_count vertex indices (CCW).
    int32_t triangle_count;
    const float *uvs;              ///< 2 * uv_count floats, or NULL.
    int32_t uv_count;
    const uint32_t *uv_triangles;  ///< 3 * triangle_count indices into uvs, or NULL.
    const float *normals;          ///< 3 * vertex_count floats, or NULL.
    const float *colors;           ///< 3 * vertex_count linear RGB floats in [0, 1], or NULL.
    const uint8_t *triangle_parts; ///< triangle_count part indices, or NULL (one part).
    const char *const *part_names; ///< part_count UTF-8 names (mesh and node names in the file).
    int32_t part_count;
} fa_export_mesh;

/// A material. Map file names are relative to the exported file (NULL when absent).
typedef struct fa_export_material {
    const char *name;
    float diffuse[3];
    const char *diffuse_map;       ///< aiTextureType_DIFFUSE
    const char *normal_map;        ///< aiTextureType_NORMALS
    const char *bump_map;          ///< aiTextureType_HEIGHT
    const char *displacement_map;  ///< aiTextureType_DISPLACEMENT
} fa_export_material;

/// A morph target (blend shape): absolute positions for every vertex of the mesh.
typedef struct fa_morph_target {
    const char *name;
    const float *positions;        ///< 3 * vertex_count floats.
} fa_morph_target;

/// Exports `mesh` with assimp's exporter `format_id` (e.g. "obj", "plyb", "gltf2") to `path`.
///
/// Each part becomes one aiMesh (named after the part) under one child node of the root
/// (also named after the part). `material_count` is 0 (a grey default material),
/// 1 (one material for all parts) or `part_count` (one per part). Vertices are split
/// only where a vertex has different UVs in different triangles (assimp stores one UV
/// per vertex) and where a vertex lies on the border of two parts (one aiMesh per part).
/// Morph targets become aiAnimMesh entries on every aiMesh (glTF 2 writes them as
/// primitive `targets`). Returns 0 on success, else nonzero with a message in `err`.
int fa_assimp_export(const fa_export_mesh *mesh,
                     const fa_export_material *materials, int32_t material_count,
                     const fa_morph_target *targets, int32_t target_count,
                     const char *format_id, const char *path,
                     int32_t include_normals, int32_t include_colors,
                     char *err, int32_t errlen);

/// The result of an import: one merged triangle mesh. Arrays are owned by the result.
typedef struct fa_import_result {
    int32_t vertex_count;
    float *positions;              ///< 3 * vertex_count
    float *normals;                ///< 3 * vertex_count, or NULL when the file has none (or joining ignored them)
    float *colors;                 ///< 3 * vertex_count, or NULL when the file has none
    int32_t triangle_count;
    uint32_t *triangles;           ///< 3 * triangle_count
    int32_t uv_count;
    float *uvs;                    ///< 2 * uv_count, or NULL
    uint32_t *uv_triangles;        ///< 3 * triangle_count, or NULL
    uint8_t *triangle_parts;       ///< triangle_count
    int32_t part_count;
    char **part_names;             ///< part_count NUL-terminated UTF-8 strings
    int32_t source_mesh_count;     ///< how many aiMesh instances were merged
    int32_t source_vertex_count;   ///< vertices assimp produced before re-joining
} fa_import_result;

/// Imports `path` with aiProcess_Triangulate | aiProcess_JoinIdenticalVertices, merges all
/// meshes (applying node transforms), and re-joins vertices that share a position (and,
/// when `join_by_normal` is nonzero, a normal) and colour, so that vertices split for UV
/// seams or part borders become one vertex again. When `join_by_normal` is zero the
/// file's normals are dropped (use for STL, whose normals are per facet).
/// Returns NULL on failure with a message in `err`; free the result with fa_import_result_free.
fa_import_result *fa_assimp_import(const char *path, int32_t join_by_normal, char *err, int32_t errlen);

/// Frees a result of fa_assimp_import (NULL is allowed).
void fa_import_result_free(fa_import_result *result);

/// The number of export formats this assimp build offers.
int32_t fa_assimp_export_format_count(void);

/// The id of export format `index` (e.g. "obj"), or NULL when out of range.
/// The string is owned by assimp and lives as long as the process.
const char *fa_assimp_export_format_id(int32_t index);

/// The file extension assimp uses for export format `index`, or NULL when out of range.
const char *fa_assimp_export_format_extension(int32_t index);

#ifdef __cplusplus
}
#endif
