// AssimpBridge: builds aiScene objects for Assimp::Exporter and flattens what
// Assimp::Importer reads. See include/AssimpBridge.h for the contract.
#include "AssimpBridge.h"

#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

void setError(char *err, int32_t errlen, const std::string &message) {
    if (err == nullptr || errlen <= 0) return;
    std::size_t n = std::min<std::size_t>(message.size(), static_cast<std::size_t>(errlen - 1));
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

// MARK: - Export

aiString makeString(const char *s) {
    aiString out;
    if (s != nullptr) out.Set(s);
    return out;
}

aiMaterial *makeMaterial(const fa_export_material *m) {
    auto *mat = new aiMaterial();
    aiString name = makeString(m != nullptr && m->name != nullptr && m->name[0] != '\0' ? m->name : "default");
    mat->AddProperty(&name, AI_MATKEY_NAME);
    aiColor4D diffuse(0.8f, 0.8f, 0.8f, 1.0f);
    if (m != nullptr) diffuse = aiColor4D(m->diffuse[0], m->diffuse[1], m->diffuse[2], 1.0f);
    mat->AddProperty(&diffuse, 1, AI_MATKEY_COLOR_DIFFUSE);
    if (m == nullptr) return mat;
    auto addTexture = [mat](const char *file, aiTextureType type) {
        if (file == nullptr || file[0] == '\0') return;
        aiString path = makeString(file);
        mat->AddProperty(&path, AI_MATKEY_TEXTURE(type, 0));
    };
    addTexture(m->diffuse_map, aiTextureType_DIFFUSE);
    addTexture(m->normal_map, aiTextureType_NORMALS);
    addTexture(m->bump_map, aiTextureType_HEIGHT);
    addTexture(m->displacement_map, aiTextureType_DISPLACEMENT);
    return mat;
}

std::string validate(const fa_export_mesh &m) {
    if (m.vertex_count < 0 || m.triangle_count < 0 || m.uv_count < 0 || m.part_count < 0)
        return "negative count";
    if (m.positions == nullptr && m.vertex_count > 0) return "no positions";
    if (m.triangles == nullptr && m.triangle_count > 0) return "no triangles";
    if (m.triangle_count == 0) return "the mesh has no triangles";
    const auto nv = static_cast<uint32_t>(m.vertex_count);
    for (int32_t i = 0; i < 3 * m.triangle_count; ++i) {
        if (m.triangles[i] >= nv)
            return "triangle " + std::to_string(i / 3) + " uses vertex " + std::to_string(m.triangles[i]) +
                   " but the mesh has " + std::to_string(nv) + " vertices";
    }
    if (m.uv_triangles != nullptr) {
        if (m.uvs == nullptr) return "UV triangles without UVs";
        const auto nuv = static_cast<uint32_t>(m.uv_count);
        for (int32_t i = 0; i < 3 * m.triangle_count; ++i) {
            if (m.uv_triangles[i] >= nuv)
                return "UV triangle " + std::to_string(i / 3) + " uses UV " + std::to_string(m.uv_triangles[i]) +
                       " but the mesh has " + std::to_string(nuv) + " UVs";
        }
    }
    if (m.triangle_parts != nullptr) {
        for (int32_t i = 0; i < m.triangle_count; ++i) {
            if (m.triangle_parts[i] >= m.part_count)
                return "triangle " + std::to_string(i) + " is in part " + std::to_string(m.triangle_parts[i]) +
                       " but the mesh has " + std::to_string(m.part_count) + " part names";
        }
    }
    return {};
}

// Builds the scene; throws std::runtime_error for bad input (caught by the caller).
std::unique_ptr<aiScene> buildScene(const fa_export_mesh &m, const fa_export_material *materials,
                                    int32_t materialCount, const fa_morph_target *targets,
                                    int32_t targetCount, bool includeNormals, bool includeColors) {
    const int32_t partCount = m.triangle_parts != nullptr ? m.part_count : 1;
    if (materialCount != 0 && materialCount != 1 && materialCount != partCount)
        throw std::runtime_error("there are " + std::to_string(materialCount) + " materials for " +
                                 std::to_string(partCount) + " parts: give one material per part, or one for all");

    auto scene = std::make_unique<aiScene>();
    scene->mRootNode = new aiNode("root");
    // FaceAtlas works in millimetres. The FBX writer stores this as GlobalSettings'
    // UnitScaleFactor (centimetres per unit), so FBX readers see millimetres; the
    // other writers ignore it.
    scene->mMetaData = aiMetadata::Alloc(1);
    scene->mMetaData->Set(0, "UnitScaleFactor", 0.1);

    // Materials.
    const int32_t nMat = materialCount == 0 ? 1 : materialCount;
    scene->mMaterials = new aiMaterial *[nMat]();
    scene->mNumMaterials = static_cast<unsigned>(nMat);
    for (int32_t i = 0; i < nMat; ++i)
        scene->mMaterials[i] = makeMaterial(materialCount == 0 ? nullptr : &materials[i]);

    // Triangles of each part.
    std::vector<std::vector<int32_t>> partTriangles(static_cast<std::size_t>(partCount));
    for (int32_t t = 0; t < m.triangle_count; ++t) {
        int32_t p = m.triangle_parts != nullptr ? m.triangle_parts[t] : 0;
        partTriangles[static_cast<std::size_t>(p)].push_back(t);
    }
    std::vector<int32_t> usedParts;
    for (int32_t p = 0; p < partCount; ++p)
        if (!partTriangles[static_cast<std::size_t>(p)].empty()) usedParts.push_back(p);

    const bool hasUV = m.uv_triangles != nullptr && m.uvs != nullptr;
    const bool hasNormals = includeNormals && m.normals != nullptr;
    const bool hasColors = includeColors && m.colors != nullptr;

    scene->mNumMeshes = static_cast<unsigned>(usedParts.size());
    scene->mMeshes = new aiMesh *[usedParts.size()]();
    scene->mRootNode->mNumChildren = static_cast<unsigned>(usedParts.size());
    scene->mRootNode->mChildren = new aiNode *[usedParts.size()]();

    for (std::size_t k = 0; k < usedParts.size(); ++k) {
        const int32_t p = usedParts[k];
        const auto &tris = partTriangles[static_cast<std::size_t>(p)];
        std::string name;
        if (m.part_names != nullptr && p < m.part_count && m.part_names[p] != nullptr) name = m.part_names[p];
        if (name.empty() && m.triangle_parts != nullptr) name = "part" + std::to_string(p);

        // Local vertices: one per distinct (vertex, uv) corner.
        std::map<std::pair<uint32_t, uint32_t>, unsigned> local;
        std::vector<std::pair<uint32_t, uint32_t>> corners;
        std::vector<unsigned> faceIndices;
        faceIndices.reserve(tris.size() * 3);
        for (int32_t t : tris) {
            for (int c = 0; c < 3; ++c) {
                uint32_t v = m.triangles[3 * t + c];
                uint32_t uv = hasUV ? m.uv_triangles[3 * t + c] : 0;
                auto key = std::make_pair(v, uv);
                auto it = local.find(key);
                if (it == local.end()) {
                    it = local.emplace(key, static_cast<unsigned>(corners.size())).first;
                    corners.push_back(key);
                }
                faceIndices.push_back(it->second);
            }
        }

        auto *mesh = new aiMesh();
        scene->mMeshes[k] = mesh;
        mesh->mName.Set(name);
        mesh->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
        mesh->mMaterialIndex = materialCount <= 1 ? 0u : static_cast<unsigned>(p);
        const auto nv = static_cast<unsigned>(corners.size());
        mesh->mNumVertices = nv;
        mesh->mVertices = new aiVector3D[nv];
        if (hasNormals) mesh->mNormals = new aiVector3D[nv];
        if (hasColors) mesh->mColors[0] = new aiColor4D[nv];
        if (hasUV) {
            mesh->mTextureCoords[0] = new aiVector3D[nv];
            mesh->mNumUVComponents[0] = 2;
        }
        for (unsigned i = 0; i < nv; ++i) {
            const uint32_t v = corners[i].first;
            mesh->mVertices[i] = aiVector3D(m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]);
            if (hasNormals)
                mesh->mNormals[i] = aiVector3D(m.normals[3 * v], m.normals[3 * v + 1], m.normals[3 * v + 2]);
            if (hasColors)
                mesh->mColors[0][i] = aiColor4D(m.colors[3 * v], m.colors[3 * v + 1], m.colors[3 * v + 2], 1.0f);
            if (hasUV) {
                const uint32_t u = corners[i].second;
                mesh->mTextureCoords[0][i] = aiVector3D(m.uvs[2 * u], m.uvs[2 * u + 1], 0.0f);
            }
        }
        mesh->mNumFaces = static_cast<unsigned>(tris.size());
        mesh->mFaces = new aiFace[tris.size()];
        for (std::size_t f = 0; f < tris.size(); ++f) {
            aiFace &face = mesh->mFaces[f];
            face.mNumIndices = 3;
            face.mIndices = new unsigned[3];
            for (int c = 0; c < 3; ++c) face.mIndices[c] = faceIndices[3 * f + static_cast<std::size_t>(c)];
        }

        if (targetCount > 0) {
            mesh->mNumAnimMeshes = static_cast<unsigned>(targetCount);
            mesh->mAnimMeshes = new aiAnimMesh *[targetCount]();
            mesh->mMethod = aiMorphingMethod_MORPH_NORMALIZED;
            for (int32_t a = 0; a < targetCount; ++a) {
                auto *am = new aiAnimMesh();
                mesh->mAnimMeshes[a] = am;
                if (targets[a].name != nullptr) am->mName.Set(targets[a].name);
                am->mNumVertices = nv;
                am->mWeight = 0.0f;
                am->mVertices = new aiVector3D[nv];
                const float *tp = targets[a].positions;
                for (unsigned i = 0; i < nv; ++i) {
                    const uint32_t v = corners[i].first;
                    am->mVertices[i] = aiVector3D(tp[3 * v], tp[3 * v + 1], tp[3 * v + 2]);
                }
            }
        }

        auto *node = new aiNode(name);
        node->mParent = scene->mRootNode;
        node->mNumMeshes = 1;
        node->mMeshes = new unsigned[1];
        node->mMeshes[0] = static_cast<unsigned>(k);
        scene->mRootNode->mChildren[k] = node;
    }
    return scene;
}

// MARK: - Import

struct VertexKey {
    float v[9];
    bool operator==(const VertexKey &o) const { return std::memcmp(v, o.v, sizeof v) == 0; }
};

struct VertexKeyHash {
    std::size_t operator()(const VertexKey &k) const {
        std::size_t h = 1469598103934665603ull;
        const auto *bytes = reinterpret_cast<const unsigned char *>(k.v);
        for (std::size_t i = 0; i < sizeof k.v; ++i) h = (h ^ bytes[i]) * 1099511628211ull;
        return h;
    }
};

// +0 and -0 compare equal as floats but not as bytes.
float canonical(float x) { return x == 0.0f ? 0.0f : x; }

struct MeshInstance {
    unsigned mesh;
    aiMatrix4x4 transform;
    std::string nodeName;
    unsigned nodeMeshCount;
};

void collect(const aiNode *node, const aiMatrix4x4 &parent, std::vector<MeshInstance> &out, int depth) {
    if (node == nullptr || depth > 256) return;
    aiMatrix4x4 global = parent * node->mTransformation;
    for (unsigned i = 0; i < node->mNumMeshes; ++i)
        out.push_back({node->mMeshes[i], global, node->mName.C_Str(), node->mNumMeshes});
    for (unsigned c = 0; c < node->mNumChildren; ++c) collect(node->mChildren[c], global, out, depth + 1);
}

template <typename T>
T *copyOut(const std::vector<T> &v) {
    if (v.empty()) return nullptr;
    T *p = static_cast<T *>(std::malloc(v.size() * sizeof(T)));
    if (p == nullptr) throw std::bad_alloc();
    std::memcpy(p, v.data(), v.size() * sizeof(T));
    return p;
}

bool isGenericName(const std::string &s) {
    return s.empty() || s == "DefaultMaterial" || s == "defaultobject" || s == "default" ||
           s.rfind("Mesh_", 0) == 0 || s.rfind("$", 0) == 0 || s.rfind("<", 0) == 0;
}

fa_import_result *importFile(const char *path, bool joinByNormal, std::string &error) {
    Assimp::Importer importer;
    const aiScene *scene = importer.ReadFile(path, aiProcess_Triangulate | aiProcess_JoinIdenticalVertices);
    if (scene == nullptr) {
        error = importer.GetErrorString();
        if (error.empty()) error = "assimp could not read the file";
        return nullptr;
    }
    std::vector<MeshInstance> instances;
    aiMatrix4x4 identity;
    collect(scene->mRootNode, identity, instances, 0);
    std::vector<bool> seen(scene->mNumMeshes, false);
    for (auto &inst : instances)
        if (inst.mesh < scene->mNumMeshes) seen[inst.mesh] = true;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i)
        if (!seen[i]) instances.push_back({i, identity, std::string(), 0});

    bool allNormals = true, allColors = true, anyUV = false, anyTriangle = false;
    for (auto &inst : instances) {
        if (inst.mesh >= scene->mNumMeshes) continue;
        const aiMesh *m = scene->mMeshes[inst.mesh];
        if (m == nullptr) continue;
        allNormals = allNormals && m->HasNormals();
        allColors = allColors && m->HasVertexColors(0);
        anyUV = anyUV || m->HasTextureCoords(0);
        for (unsigned f = 0; f < m->mNumFaces; ++f)
            if (m->mFaces[f].mNumIndices == 3) { anyTriangle = true; break; }
    }
    if (!anyTriangle) {
        error = "the file contains no triangles";
        return nullptr;
    }
    const bool useNormals = joinByNormal && allNormals;

    std::unordered_map<VertexKey, uint32_t, VertexKeyHash> vertexIndex;
    std::vector<float> positions, normals, colors, uvs;
    std::vector<uint32_t> triangles, uvTriangles;
    std::vector<uint8_t> parts;
    std::vector<std::string> partNames;
    std::map<std::pair<float, float>, uint32_t> uvIndex;
    int32_t sourceVertices = 0, sourceMeshes = 0;

    for (auto &inst : instances) {
        if (inst.mesh >= scene->mNumMeshes) continue;
        const aiMesh *m = scene->mMeshes[inst.mesh];
        if (m == nullptr || m->mVertices == nullptr) continue;
        ++sourceMeshes;
        sourceVertices += static_cast<int32_t>(m->mNumVertices);

        // The part: the mesh's name, else its node's (when the node holds only it), else the material's.
        std::string name = m->mName.C_Str();
        if (isGenericName(name) && inst.nodeMeshCount == 1 && !isGenericName(inst.nodeName)) name = inst.nodeName;
        if (isGenericName(name) && m->mMaterialIndex < scene->mNumMaterials) {
            aiString matName;
            if (scene->mMaterials[m->mMaterialIndex]->Get(AI_MATKEY_NAME, matName) == AI_SUCCESS &&
                !isGenericName(matName.C_Str()))
                name = matName.C_Str();
        }
        std::size_t part = 0;
        for (; part < partNames.size(); ++part)
            if (partNames[part] == name) break;
        if (part == partNames.size()) {
            if (partNames.size() >= 256) {
                error = "the file has more than 256 named meshes (parts)";
                return nullptr;
            }
            partNames.push_back(name);
        }

        aiMatrix3x3 normalMatrix(inst.transform);
        normalMatrix.Inverse().Transpose();

        std::vector<uint32_t> localToGlobal(m->mNumVertices);
        std::vector<uint32_t> localUV(m->mNumVertices, 0);
        for (unsigned i = 0; i < m->mNumVertices; ++i) {
            aiVector3D p = inst.transform * m->mVertices[i];
            aiVector3D n(0, 0, 0);
            if (allNormals && m->mNormals != nullptr) {
                n = normalMatrix * m->mNormals[i];
                n.NormalizeSafe();
            }
            aiColor4D c(0, 0, 0, 0);
            if (allColors) c = m->mColors[0][i];
            VertexKey key{};
            key.v[0] = canonical(p.x); key.v[1] = canonical(p.y); key.v[2] = canonical(p.z);
            if (useNormals) { key.v[3] = canonical(n.x); key.v[4] = canonical(n.y); key.v[5] = canonical(n.z); }
            if (allColors) { key.v[6] = canonical(c.r); key.v[7] = canonical(c.g); key.v[8] = canonical(c.b); }
            auto it = vertexIndex.find(key);
            if (it == vertexIndex.end()) {
                auto index = static_cast<uint32_t>(positions.size() / 3);
                it = vertexIndex.emplace(key, index).first;
                positions.insert(positions.end(), {p.x, p.y, p.z});
                if (useNormals) normals.insert(normals.end(), {n.x, n.y, n.z});
                if (allColors) colors.insert(colors.end(), {c.r, c.g, c.b});
            }
            localToGlobal[i] = it->second;
            if (anyUV) {
                std::pair<float, float> uv(0.0f, 0.0f);
                if (m->HasTextureCoords(0)) uv = {canonical(m->mTextureCoords[0][i].x), canonical(m->mTextureCoords[0][i].y)};
                auto u = uvIndex.find(uv);
                if (u == uvIndex.end()) {
                    u = uvIndex.emplace(uv, static_cast<uint32_t>(uvs.size() / 2)).first;
                    uvs.insert(uvs.end(), {uv.first, uv.second});
                }
                localUV[i] = u->second;
            }
        }
        for (unsigned f = 0; f < m->mNumFaces; ++f) {
            const aiFace &face = m->mFaces[f];
            if (face.mNumIndices != 3) continue;  // points and lines
            bool ok = true;
            for (int c = 0; c < 3; ++c) ok = ok && face.mIndices[c] < m->mNumVertices;
            if (!ok) continue;
            for (int c = 0; c < 3; ++c) {
                triangles.push_back(localToGlobal[face.mIndices[c]]);
                if (anyUV) uvTriangles.push_back(localUV[face.mIndices[c]]);
            }
            parts.push_back(static_cast<uint8_t>(part));
        }
    }

    auto *r = static_cast<fa_import_result *>(std::calloc(1, sizeof(fa_import_result)));
    if (r == nullptr) throw std::bad_alloc();
    try {
        r->vertex_count = static_cast<int32_t>(positions.size() / 3);
        r->positions = copyOut(positions);
        r->normals = copyOut(normals);
        r->colors = copyOut(colors);
        r->triangle_count = static_cast<int32_t>(triangles.size() / 3);
        r->triangles = copyOut(triangles);
        r->uv_count = static_cast<int32_t>(uvs.size() / 2);
        r->uvs = copyOut(uvs);
        r->uv_triangles = copyOut(uvTriangles);
        r->triangle_parts = copyOut(parts);
        r->part_count = static_cast<int32_t>(partNames.size());
        r->part_names = static_cast<char **>(std::calloc(partNames.size() + 1, sizeof(char *)));
        if (r->part_names == nullptr) throw std::bad_alloc();
        for (std::size_t i = 0; i < partNames.size(); ++i) {
            r->part_names[i] = static_cast<char *>(std::malloc(partNames[i].size() + 1));
            if (r->part_names[i] == nullptr) throw std::bad_alloc();
            std::memcpy(r->part_names[i], partNames[i].c_str(), partNames[i].size() + 1);
        }
        r->source_mesh_count = sourceMeshes;
        r->source_vertex_count = sourceVertices;
    } catch (...) {
        fa_import_result_free(r);
        throw;
    }
    return r;
}

}  // namespace

extern "C" {

int fa_assimp_export(const fa_export_mesh *mesh, const fa_export_material *materials, int32_t material_count,
                     const fa_morph_target *targets, int32_t target_count, const char *format_id, const char *path,
                     int32_t include_normals, int32_t include_colors, char *err, int32_t errlen) {
    try {
        if (mesh == nullptr || format_id == nullptr || path == nullptr) {
            setError(err, errlen, "missing argument");
            return 1;
        }
        std::string problem = validate(*mesh);
        if (!problem.empty()) {
            setError(err, errlen, problem);
            return 1;
        }
        if (material_count < 0 || (material_count > 0 && materials == nullptr) || target_count < 0 ||
            (target_count > 0 && targets == nullptr)) {
            setError(err, errlen, "bad material or morph target list");
            return 1;
        }
        for (int32_t a = 0; a < target_count; ++a) {
            if (targets[a].positions == nullptr) {
                setError(err, errlen, "morph target " + std::to_string(a) + " has no positions");
                return 1;
            }
        }
        std::unique_ptr<aiScene> scene = buildScene(*mesh, materials, material_count, targets, target_count,
                                                    include_normals != 0, include_colors != 0);
        Assimp::Exporter exporter;
        Assimp::ExportProperties properties;
        properties.SetPropertyBool("GLTF2_TARGETNAMES_EXP", true);
        if (exporter.Export(scene.get(), format_id, path, 0u, &properties) != aiReturn_SUCCESS) {
            std::string message = exporter.GetErrorString();
            setError(err, errlen, message.empty() ? "assimp could not export the file" : message);
            return 1;
        }
        return 0;
    } catch (const std::exception &e) {
        setError(err, errlen, e.what());
        return 1;
    } catch (...) {
        setError(err, errlen, "unknown C++ exception in assimp export");
        return 1;
    }
}

fa_import_result *fa_assimp_import(const char *path, int32_t join_by_normal, char *err, int32_t errlen) {
    try {
        if (path == nullptr) {
            setError(err, errlen, "missing path");
            return nullptr;
        }
        std::string error;
        fa_import_result *r = importFile(path, join_by_normal != 0, error);
        if (r == nullptr) setError(err, errlen, error);
        return r;
    } catch (const std::exception &e) {
        setError(err, errlen, e.what());
        return nullptr;
    } catch (...) {
        setError(err, errlen, "unknown C++ exception in assimp import");
        return nullptr;
    }
}

void fa_import_result_free(fa_import_result *r) {
    if (r == nullptr) return;
    std::free(r->positions);
    std::free(r->normals);
    std::free(r->colors);
    std::free(r->triangles);
    std::free(r->uvs);
    std::free(r->uv_triangles);
    std::free(r->triangle_parts);
    if (r->part_names != nullptr) {
        for (int32_t i = 0; i < r->part_count; ++i) std::free(r->part_names[i]);
        std::free(r->part_names);
    }
    std::free(r);
}

int32_t fa_assimp_export_format_count(void) {
    try {
        Assimp::Exporter exporter;
        return static_cast<int32_t>(exporter.GetExportFormatCount());
    } catch (...) {
        return 0;
    }
}

// Assimp::Exporter's format table points at string literals inside libassimp, so the
// strings outlive the Exporter that returned them (unlike aiGetExportFormatDescription,
// which returns heap copies that must be released).
static const aiExportFormatDesc *formatDescription(int32_t index) {
    if (index < 0) return nullptr;
    Assimp::Exporter exporter;
    if (static_cast<size_t>(index) >= exporter.GetExportFormatCount()) return nullptr;
    return exporter.GetExportFormatDescription(static_cast<size_t>(index));
}

const char *fa_assimp_export_format_id(int32_t index) {
    try {
        const aiExportFormatDesc *d = formatDescription(index);
        return d != nullptr ? d->id : nullptr;
    } catch (...) {
        return nullptr;
    }
}

const char *fa_assimp_export_format_extension(int32_t index) {
    try {
        const aiExportFormatDesc *d = formatDescription(index);
        return d != nullptr ? d->fileExtension : nullptr;
    } catch (...) {
        return nullptr;
    }
}

}  // extern "C"
