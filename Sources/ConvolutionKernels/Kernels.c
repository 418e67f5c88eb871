// The kernel families (portable C, AVX2 + FMA, AVX-512), the choice among them, filter packing, and the
// public entry points that dispatch to the chosen family. Each family is the same source (Panel.h,
// WinogradKernels.h, DirectKernels.h) compiled for its instruction set.
#include "ConvolutionKernels.h"

#include <stdatomic.h>
#include <string.h>

// The kernels pass 16-float vectors only between always-inlined functions of one instruction set.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v16 __attribute__((vector_size(64)));
/// The same vector at any float alignment (for loads and stores).
typedef float v16u __attribute__((vector_size(64), aligned(4)));

#define splat16(s) ((v16){(s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s), (s)})
#define load16(p) (*(const v16u *)(p))
#define store16(p, x) (*(v16u *)(p) = (x))

int fa_winograd_padded_inputs(int in) { return (in + 15) / 16 * 16; }
int fa_winograd_padded_outputs(int out) { return (out + 31) / 32 * 32; }

#define CASES_1_TO_2 NAME_PANEL_CASE(1) NAME_PANEL_CASE(2)
#define CASES_1_TO_4 CASES_1_TO_2 NAME_PANEL_CASE(3) NAME_PANEL_CASE(4)
#define CASES_1_TO_12 CASES_1_TO_4 NAME_PANEL_CASE(5) NAME_PANEL_CASE(6) NAME_PANEL_CASE(7) NAME_PANEL_CASE(8) \
    NAME_PANEL_CASE(9) NAME_PANEL_CASE(10) NAME_PANEL_CASE(11) NAME_PANEL_CASE(12)

// Portable C: 16-float vectors as the compiler lowers them for the baseline instruction set.
#define NAME(x) x##_portable
#define ROWS 2
#define NAME_PANEL_CASES CASES_1_TO_2
#include "Panel.h"
#include "WinogradKernels.h"
#include "DirectKernels.h"
#undef NAME
#undef ROWS
#undef NAME_PANEL_CASES

#if defined(__x86_64__)
// AVX2 + FMA: a 16-float vector is two registers; 2 × 32 products fill 8 of the 16.
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define NAME(x) x##_avx2
#define ROWS 2
#define NAME_PANEL_CASES CASES_1_TO_2
#include "Panel.h"
#include "WinogradKernels.h"
#include "DirectKernels.h"
#undef NAME
#undef ROWS
#undef NAME_PANEL_CASES
#pragma clang attribute pop

// AVX-512: 12 × 32 products fill 24 of the 32 vector registers.
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"))), apply_to = function)
#define NAME(x) x##_avx512
#define ROWS 12
#define NAME_PANEL_CASES CASES_1_TO_12
#include "Panel.h"
#include "WinogradKernels.h"
#include "DirectKernels.h"
#undef NAME
#undef ROWS
#undef NAME_PANEL_CASES
#pragma clang attribute pop
#endif

static int best_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512bw")) return 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
#endif
    return 1;
}

static _Atomic int chosen_level = 0;

int fa_kernels_level(void) {
    int level = atomic_load_explicit(&chosen_level, memory_order_relaxed);
    if (level == 0) {
        level = best_level();
        atomic_store_explicit(&chosen_level, level, memory_order_relaxed);
    }
    return level;
}

void fa_kernels_set_level(int level) {
    const int best = best_level();
    atomic_store_explicit(&chosen_level, level <= 0 || level > best ? best : level, memory_order_relaxed);
}

size_t fa_winograd_filter_count(int m, int out, int in) {
    return (size_t)(m + 2) * (m + 2) * fa_winograd_padded_inputs(in) * fa_winograd_padded_outputs(out);
}

void fa_winograd_pack_filters(int m, const float *weight, int out, int in, float *packed) {
    // G for F(2×2, 3×3) and F(4×4, 3×3).
    static const float g2[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
    static const float g4[6][3] = {{1.0f / 4, 0, 0}, {-1.0f / 6, -1.0f / 6, -1.0f / 6}, {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                                   {1.0f / 24, 1.0f / 12, 1.0f / 6}, {1.0f / 24, -1.0f / 12, 1.0f / 6}, {0, 0, 1}};
    const int alpha = m + 2;
    const int cp = fa_winograd_padded_inputs(in), op = fa_winograd_padded_outputs(out);
    memset(packed, 0, sizeof(float) * fa_winograd_filter_count(m, out, in));
    for (int o = 0; o < out; o++) {
        for (int c = 0; c < in; c++) {
            const float *f = weight + ((size_t)o * in + c) * 9;
            float t[6][3];
            for (int r = 0; r < alpha; r++) {
                const float *g = m == 4 ? g4[r] : g2[r];
                for (int j = 0; j < 3; j++) t[r][j] = g[0] * f[j] + g[1] * f[3 + j] + g[2] * f[6 + j];
            }
            for (int r = 0; r < alpha; r++) {
                for (int s = 0; s < alpha; s++) {
                    const float *g = m == 4 ? g4[s] : g2[s];
                    const int xi = r * alpha + s;
                    packed[(((size_t)xi * (op / 32) + o / 32) * cp + c) * 32 + o % 32] =
                        t[r][0] * g[0] + t[r][1] * g[1] + t[r][2] * g[2];
                }
            }
        }
    }
}

size_t fa_winograd_input_scratch_count(int m, int h, int w) {
    return (size_t)(m * ((h + m - 1) / m) + 2) * (m * ((w + m - 1) / m) + 2) * 16;
}

size_t fa_winograd_output_scratch_count(int m, int h, int w) {
    return (size_t)(m * ((h + m - 1) / m)) * (m * ((w + m - 1) / m)) * 16;
}

void fa_winograd_input_transform(int m, const float *input, int images, int in, int h, int w, float *v,
                                 int blockBegin, int blockEnd, float *scratch) {
    switch (fa_kernels_level()) {
#if defined(__x86_64__)
    case 3: input_transform_avx512(m, input, images, in, h, w, v, blockBegin, blockEnd, scratch); return;
    case 2: input_transform_avx2(m, input, images, in, h, w, v, blockBegin, blockEnd, scratch); return;
#endif
    default: input_transform_portable(m, input, images, in, h, w, v, blockBegin, blockEnd, scratch); return;
    }
}

void fa_winograd_multiply(int m, const float *v, const float *packed, float *product, int tiles, int in, int out,
                          int xiBegin, int xiEnd) {
    switch (fa_kernels_level()) {
#if defined(__x86_64__)
    case 3: multiply_avx512(m, v, packed, product, tiles, in, out, xiBegin, xiEnd); return;
    case 2: multiply_avx2(m, v, packed, product, tiles, in, out, xiBegin, xiEnd); return;
#endif
    default: multiply_portable(m, v, packed, product, tiles, in, out, xiBegin, xiEnd); return;
    }
}

void fa_winograd_output_transform(int m, const float *product, int images, int out, int h, int w,
                                  const float *bias, const float *residual, int relu, float *output,
                                  int blockBegin, int blockEnd, float *scratch) {
    switch (fa_kernels_level()) {
#if defined(__x86_64__)
    case 3: output_transform_avx512(m, product, images, out, h, w, bias, residual, relu, output, blockBegin, blockEnd, scratch); return;
    case 2: output_transform_avx2(m, product, images, out, h, w, bias, residual, relu, output, blockBegin, blockEnd, scratch); return;
#endif
    default: output_transform_portable(m, product, images, out, h, w, bias, residual, relu, output, blockBegin, blockEnd, scratch); return;
    }
}

size_t fa_direct_filter_count(int out, int in, int kernel) {
    return (size_t)fa_winograd_padded_outputs(out) * kernel * kernel * in;
}

void fa_direct_pack_filters(const float *weight, int out, int in, int kernel, float *packed) {
    const int taps = kernel * kernel;
    memset(packed, 0, sizeof(float) * fa_direct_filter_count(out, in, kernel));
    for (int o = 0; o < out; o++)
        for (int c = 0; c < in; c++)
            for (int tap = 0; tap < taps; tap++)
                packed[(((size_t)(o / 32) * taps + tap) * in + c) * 32 + o % 32] = weight[((size_t)o * in + c) * taps + tap];
}

size_t fa_direct_scratch_count(int in, int out, int w, int kernel, int stride, int padding, int rows) {
    const int wo = (w + 2 * padding - kernel) / stride + 1;
    const size_t hwc = ((size_t)((rows - 1) * stride + kernel) * (w + 2 * padding) * in + 15) / 16 * 16;
    return hwc + (size_t)rows * wo * fa_winograd_padded_outputs(out);
}

void fa_direct_convolve(const float *image, int in, int h, int w, const float *packed, int out, int kernel,
                        int stride, int padding, int rowBegin, int rowEnd, int blockBegin, int blockEnd,
                        const float *bias, const float *residual, int relu, float *output, float *scratch) {
    switch (fa_kernels_level()) {
#if defined(__x86_64__)
    case 3: direct_convolve_avx512(image, in, h, w, packed, out, kernel, stride, padding, rowBegin, rowEnd, blockBegin, blockEnd, bias, residual, relu, output, scratch); return;
    case 2: direct_convolve_avx2(image, in, h, w, packed, out, kernel, stride, padding, rowBegin, rowEnd, blockBegin, blockEnd, bias, residual, relu, output, scratch); return;
#endif
    default: direct_convolve_portable(image, in, h, w, packed, out, kernel, stride, padding, rowBegin, rowEnd, blockBegin, blockEnd, bias, residual, relu, output, scratch); return;
    }
}
