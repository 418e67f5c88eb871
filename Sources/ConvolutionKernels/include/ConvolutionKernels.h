#ifndef FACEATLAS_CONVOLUTION_KERNELS_H
#define FACEATLAS_CONVOLUTION_KERNELS_H

#include <stddef.h>

/// Vectorised convolution kernels for inference: direct convolutions of any square kernel, stride and padding
/// (below), and 3×3 convolutions with stride 1 and padding 1 by Winograd's minimal filtering
/// F(m×m, 3×3) (Lavin & Gray, 2016), m = 2 (4×4 transformed tiles) or m = 4 (6×6 tiles, points 0, ±1, ±2, ∞).
///
/// Images are NCHW float32. In the Winograd domain the work is laid out for 16-lane vectors over channels:
/// transformed inputs V[ξ][tile][c] (channels padded to a multiple of 16), packed filters U[ξ][o/32][c][32]
/// (outputs padded to a multiple of 32) and products M[ξ][tile][o]. Every kernel is single-threaded and works
/// on a range (of channel blocks, tile positions ξ or output blocks), so that callers split work over threads.
/// Each kernel exists for AVX-512, AVX2 + FMA and portable C; the best one the processor runs is chosen
/// once, and tests may force a lower one with `fa_kernels_set_level`.

/// Kernel families: 1 portable C, 2 AVX2 + FMA, 3 AVX-512.
int fa_kernels_level(void);
/// Uses kernel family `level` (clamped to what the processor runs); 0 restores the best one.
void fa_kernels_set_level(int level);

/// Input channels as laid out in the Winograd domain (`in` rounded up to 16).
int fa_winograd_padded_inputs(int in);
/// Output channels as laid out in the Winograd domain (`out` rounded up to 32).
int fa_winograd_padded_outputs(int out);

/// Floats of the packed filters for `out` × `in` 3×3 filters: (m+2)² · padded inputs · padded outputs.
size_t fa_winograd_filter_count(int m, int out, int in);
/// Packs the filters `weight` (`[out][in][3][3]`) as U = G g Gᵀ into `packed`
/// (`fa_winograd_filter_count` floats), zero in the padding.
void fa_winograd_pack_filters(int m, const float *weight, int out, int in, float *packed);

/// Floats of per-thread scratch for `fa_winograd_input_transform` on h × w images.
size_t fa_winograd_input_scratch_count(int m, int h, int w);
/// V[ξ][t][c] = (Bᵀ d B)[ξ] for input channel blocks `blockBegin..<blockEnd` (16 channels each) of `images`
/// images (`[images][in][h][w]`), for all tiles t (image-major, then tile rows, then columns); `v` holds
/// (m+2)² · tiles · padded inputs floats.
void fa_winograd_input_transform(int m, const float *input, int images, int in, int h, int w, float *v,
                                 int blockBegin, int blockEnd, float *scratch);

/// M[ξ] = V[ξ] · U[ξ] for tile positions ξ in `xiBegin..<xiEnd`, `tiles` tiles; `product` holds
/// (m+2)² · tiles · padded outputs floats.
void fa_winograd_multiply(int m, const float *v, const float *packed, float *product, int tiles, int in, int out,
                          int xiBegin, int xiEnd);

/// Floats of per-thread scratch for `fa_winograd_output_transform` on h × w images.
size_t fa_winograd_output_scratch_count(int m, int h, int w);
/// y = f(Aᵀ M A + bias + residual) into `output` (`[images][out][h][w]`) for the output channel blocks
/// `blockBegin..<blockEnd` (16 channels each); `bias` (`out` values) and `residual` (the output's layout)
/// may be NULL; f is ReLU if `relu` is non-zero.
void fa_winograd_output_transform(int m, const float *product, int images, int out, int h, int w,
                                  const float *bias, const float *residual, int relu, float *output,
                                  int blockBegin, int blockEnd, float *scratch);

/// Floats of the packed filters of a direct convolution: kernel² · in · padded outputs.
size_t fa_direct_filter_count(int out, int in, int kernel);
/// Packs `weight` (`[out][in][kernel][kernel]`) as U[o/32][tap][c][32] into `packed`, zero in the padding.
void fa_direct_pack_filters(const float *weight, int out, int in, int kernel, float *packed);
/// Floats of per-thread scratch for `fa_direct_convolve` on bands of `rows` output rows of w-wide images.
size_t fa_direct_scratch_count(int in, int out, int w, int kernel, int stride, int padding, int rows);
/// Output rows `rowBegin..<rowEnd` and output channel blocks `blockBegin..<blockEnd` (32 channels each) of
/// y = f(conv(image, W) + bias + residual) for one image (`[in][h][w]`) into `output` (`[out][ho][wo]`), W
/// packed by `fa_direct_pack_filters`; `bias` (`out` values) and `residual` (the output's layout) may be NULL,
/// f is ReLU if `relu` is non-zero.
void fa_direct_convolve(const float *image, int in, int h, int w, const float *packed, int out, int kernel,
                        int stride, int padding, int rowBegin, int rowEnd, int blockBegin, int blockEnd,
                        const float *bias, const float *residual, int relu, float *output, float *scratch);

#endif
