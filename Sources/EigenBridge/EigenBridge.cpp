// EigenBridge: mesh Laplacians and their sparse solves with Eigen 3.4.
// See include/EigenBridge.h for the contract.
#include "EigenBridge.h"

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using SparseMatrix = Eigen::SparseMatrix<double>;
using Triplet = Eigen::Triplet<double>;

struct Failure {
    std::string message;
};

void setError(char *err, int32_t errlen, const std::string &message) {
    if (err == nullptr || errlen <= 0) return;
    std::size_t n = std::min<std::size_t>(message.size(), static_cast<std::size_t>(errlen - 1));
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

struct Mesh {
    const uint32_t *tris;
    int32_t nt;
    const double *verts;
    int32_t nv;
};

void validate(const Mesh &m, int32_t weighting) {
    if (m.nt < 0 || m.nv < 0) throw Failure{"negative triangle or vertex count"};
    if (m.nt > 0 && m.tris == nullptr) throw Failure{"no triangle indices given"};
    if (m.nv > 0 && m.verts == nullptr) throw Failure{"no vertex positions given"};
    if (weighting != FA_WEIGHTING_UNIFORM && weighting != FA_WEIGHTING_COTANGENT)
        throw Failure{"unknown weighting " + std::to_string(weighting) + " (0 uniform, 1 cotangent)"};
    const auto nv = static_cast<uint32_t>(m.nv);
    for (int64_t i = 0; i < 3 * static_cast<int64_t>(m.nt); ++i) {
        if (m.tris[i] >= nv)
            throw Failure{"triangle " + std::to_string(i / 3) + " uses vertex " + std::to_string(m.tris[i]) +
                          ", but there are only " + std::to_string(m.nv) + " vertices"};
    }
    for (int64_t i = 0; i < 3 * static_cast<int64_t>(m.nv); ++i) {
        if (!std::isfinite(m.verts[i]))
            throw Failure{"vertex " + std::to_string(i / 3) + " has a coordinate that is not a finite number"};
    }
}

Eigen::Vector3d position(const Mesh &m, uint32_t i) {
    return Eigen::Vector3d(m.verts[3 * i], m.verts[3 * i + 1], m.verts[3 * i + 2]);
}

uint64_t edgeKey(uint32_t a, uint32_t b) {
    if (a > b) std::swap(a, b);
    return (static_cast<uint64_t>(a) << 32) | b;
}

// The Laplacian (positive semi-definite) and the diagonal of the lumped mass matrix.
void buildLaplacian(const Mesh &m, int32_t weighting, SparseMatrix &L, Eigen::VectorXd &mass) {
    std::unordered_map<uint64_t, double> weights;
    weights.reserve(static_cast<std::size_t>(m.nt) * 2);
    mass = Eigen::VectorXd::Zero(m.nv);
    for (int32_t t = 0; t < m.nt; ++t) {
        const uint32_t v[3] = {m.tris[3 * t], m.tris[3 * t + 1], m.tris[3 * t + 2]};
        if (v[0] == v[1] || v[1] == v[2] || v[0] == v[2]) continue;  // not a triangle
        const double initial = weighting == FA_WEIGHTING_UNIFORM ? 1.0 : 0.0;
        for (int c = 0; c < 3; ++c) weights.emplace(edgeKey(v[(c + 1) % 3], v[(c + 2) % 3]), initial);
        if (weighting == FA_WEIGHTING_UNIFORM) continue;
        const Eigen::Vector3d p[3] = {position(m, v[0]), position(m, v[1]), position(m, v[2])};
        const double doubleArea = (p[1] - p[0]).cross(p[2] - p[0]).norm();
        const double scale = std::max({(p[1] - p[0]).squaredNorm(), (p[2] - p[1]).squaredNorm(), (p[0] - p[2]).squaredNorm()});
        if (!(doubleArea > 1e-12 * scale)) continue;  // degenerate: no weight, no mass
        for (int c = 0; c < 3; ++c) {
            // The angle at corner c is opposite the edge (c+1, c+2).
            const Eigen::Vector3d a = p[(c + 1) % 3] - p[c], b = p[(c + 2) % 3] - p[c];
            const double cotangent = std::max(0.0, a.dot(b) / doubleArea);  // clamp obtuse angles
            weights[edgeKey(v[(c + 1) % 3], v[(c + 2) % 3])] += 0.5 * cotangent;
            mass[v[c]] += doubleArea / 6.0;  // a third of the triangle's area
        }
    }
    if (weighting == FA_WEIGHTING_UNIFORM) mass.setOnes();

    // Keep every edge connected: a floor relative to the mean weight.
    double mean = 0;
    for (const auto &e : weights) mean += e.second;
    mean = weights.empty() ? 1.0 : mean / static_cast<double>(weights.size());
    const double floor = 1e-8 * (mean > 0 ? mean : 1.0);

    std::vector<Triplet> triplets;
    triplets.reserve(weights.size() * 4);
    for (const auto &e : weights) {
        const auto i = static_cast<int>(e.first >> 32), j = static_cast<int>(e.first & 0xffffffffu);
        const double w = std::max(e.second, floor);
        triplets.emplace_back(i, j, -w);
        triplets.emplace_back(j, i, -w);
        triplets.emplace_back(i, i, w);
        triplets.emplace_back(j, j, w);
    }
    L.resize(m.nv, m.nv);
    L.setFromTriplets(triplets.begin(), triplets.end());

    // Vertices in no (non-degenerate) triangle: a unit mass keeps their rows solvable.
    for (int32_t i = 0; i < m.nv; ++i)
        if (!(mass[i] > 0)) mass[i] = 1.0;
}

void smooth(const Mesh &m, int32_t weighting, double lambda, double *fields, int32_t nfields) {
    validate(m, weighting);
    if (!std::isfinite(lambda) || lambda < 0) throw Failure{"the smoothing strength must be a finite number >= 0"};
    if (nfields < 0) throw Failure{"negative field count"};
    if (nfields > 0 && m.nv > 0 && fields == nullptr) throw Failure{"no field values given"};
    if (nfields == 0 || m.nv == 0) return;
    for (int64_t i = 0; i < static_cast<int64_t>(nfields) * m.nv; ++i)
        if (!std::isfinite(fields[i]))
            throw Failure{"field " + std::to_string(i / m.nv) + " has a value that is not a finite number at vertex " +
                          std::to_string(i % m.nv)};

    SparseMatrix L;
    Eigen::VectorXd mass;
    buildLaplacian(m, weighting, L, mass);
    std::vector<Triplet> diagonal;
    diagonal.reserve(static_cast<std::size_t>(m.nv));
    for (int32_t i = 0; i < m.nv; ++i) diagonal.emplace_back(i, i, mass[i]);
    SparseMatrix M(m.nv, m.nv);
    M.setFromTriplets(diagonal.begin(), diagonal.end());
    SparseMatrix A = lambda * L + M;

    Eigen::SimplicialLDLT<SparseMatrix> solver;
    solver.compute(A);
    if (solver.info() != Eigen::Success) throw Failure{"the smoothing system could not be factorised"};
    for (int32_t k = 0; k < nfields; ++k) {
        Eigen::Map<Eigen::VectorXd> field(fields + static_cast<int64_t>(k) * m.nv, m.nv);
        Eigen::VectorXd rhs = mass.cwiseProduct(field);
        Eigen::VectorXd x = solver.solve(rhs);
        if (solver.info() != Eigen::Success || !x.allFinite())
            throw Failure{"the smoothing solve failed for field " + std::to_string(k)};
        field = x;
    }
}

int32_t find(std::vector<int32_t> &parent, int32_t i) {
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

void harmonic(const Mesh &m, int32_t weighting, const int32_t *fixedIdx, const double *fixedVal, int32_t nfixed,
              double *out) {
    validate(m, weighting);
    if (nfixed <= 0) throw Failure{"a harmonic field needs at least one fixed value"};
    if (fixedIdx == nullptr || fixedVal == nullptr) throw Failure{"no fixed values given"};
    if (out == nullptr && m.nv > 0) throw Failure{"no output buffer given"};

    std::vector<char> isFixed(static_cast<std::size_t>(m.nv), 0);
    Eigen::VectorXd value = Eigen::VectorXd::Zero(m.nv);
    for (int32_t k = 0; k < nfixed; ++k) {
        const int32_t i = fixedIdx[k];
        if (i < 0 || i >= m.nv)
            throw Failure{"fixed vertex " + std::to_string(i) + " is out of range (there are " + std::to_string(m.nv) +
                          " vertices)"};
        if (!std::isfinite(fixedVal[k]))
            throw Failure{"the fixed value of vertex " + std::to_string(i) + " is not a finite number"};
        if (isFixed[i] && value[i] != fixedVal[k])
            throw Failure{"vertex " + std::to_string(i) + " is fixed to two different values"};
        isFixed[i] = 1;
        value[i] = fixedVal[k];
    }

    // Connected components: free vertices with no fixed vertex in theirs get 0.
    std::vector<int32_t> parent(static_cast<std::size_t>(m.nv));
    std::iota(parent.begin(), parent.end(), 0);
    for (int32_t t = 0; t < m.nt; ++t) {
        for (int c = 0; c < 2; ++c) {
            int32_t a = find(parent, static_cast<int32_t>(m.tris[3 * t + c]));
            int32_t b = find(parent, static_cast<int32_t>(m.tris[3 * t + c + 1]));
            if (a != b) parent[a] = b;
        }
    }
    std::vector<char> anchored(static_cast<std::size_t>(m.nv), 0);
    for (int32_t i = 0; i < m.nv; ++i)
        if (isFixed[i]) anchored[find(parent, i)] = 1;

    std::vector<int32_t> unknown(static_cast<std::size_t>(m.nv), -1);
    int32_t nu = 0;
    for (int32_t i = 0; i < m.nv; ++i)
        if (!isFixed[i] && anchored[find(parent, i)]) unknown[i] = nu++;

    if (nu > 0) {
        SparseMatrix L;
        Eigen::VectorXd mass;
        buildLaplacian(m, weighting, L, mass);
        // L_UU x_U = -L_UF x_F
        std::vector<Triplet> triplets;
        Eigen::VectorXd rhs = Eigen::VectorXd::Zero(nu);
        for (int col = 0; col < L.outerSize(); ++col) {
            for (SparseMatrix::InnerIterator it(L, col); it; ++it) {
                const auto row = static_cast<int32_t>(it.row());
                if (unknown[row] < 0) continue;
                if (unknown[col] >= 0)
                    triplets.emplace_back(unknown[row], unknown[col], it.value());
                else if (isFixed[col])
                    rhs[unknown[row]] -= it.value() * value[col];
            }
        }
        SparseMatrix A(nu, nu);
        A.setFromTriplets(triplets.begin(), triplets.end());
        Eigen::SimplicialLDLT<SparseMatrix> solver;
        solver.compute(A);
        if (solver.info() != Eigen::Success) throw Failure{"the harmonic system could not be factorised"};
        Eigen::VectorXd x = solver.solve(rhs);
        if (solver.info() != Eigen::Success || !x.allFinite()) throw Failure{"the harmonic solve failed"};
        for (int32_t i = 0; i < m.nv; ++i)
            if (unknown[i] >= 0) value[i] = x[unknown[i]];
    }
    for (int32_t i = 0; i < m.nv; ++i) out[i] = value[i];
}

template <typename Body>
int guarded(char *err, int32_t errlen, Body body) {
    try {
        body();
        return 0;
    } catch (const Failure &f) {
        setError(err, errlen, f.message);
    } catch (const std::bad_alloc &) {
        setError(err, errlen, "out of memory");
    } catch (const std::exception &e) {
        setError(err, errlen, e.what());
    } catch (...) {
        setError(err, errlen, "unknown C++ exception");
    }
    return 1;
}

}  // namespace

extern "C" {

int fa_laplacian_smooth(const uint32_t *tris, int32_t nt, const double *verts, int32_t nv, int32_t weighting,
                        double lambda, double *fields, int32_t nfields, char *err, int32_t errlen) {
    return guarded(err, errlen, [&] { smooth(Mesh{tris, nt, verts, nv}, weighting, lambda, fields, nfields); });
}

int fa_harmonic_field(const uint32_t *tris, int32_t nt, const double *verts, int32_t nv, int32_t weighting,
                      const int32_t *fixed_idx, const double *fixed_val, int32_t nfixed, double *out, char *err,
                      int32_t errlen) {
    return guarded(err, errlen,
                   [&] { harmonic(Mesh{tris, nt, verts, nv}, weighting, fixed_idx, fixed_val, nfixed, out); });
}

}  // extern "C"
