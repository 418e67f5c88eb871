// Direct convolution kernels for one instruction set (any square kernel, stride and padding): included by
// Kernels.c once per kernel family (after Panel.h), with NAME(x) giving the family's names and the family's
// target attribute on every function.
//
// A band of output rows of one image is computed from a channel-innermost copy of the input rows it reads:
// each panel of up to ROWS neighbouring output pixels × 32 output channels sums, over the kernel's taps, the
// products of the tap's input pixels (`stride` pixels apart) with the tap's packed filters, so no columns
// (im2col) are laid out. The products are transposed into the output planes with the epilogue.

static void NAME(direct_convolve)(const float *image, int in, int h, int w, const float *packed, int out,
                                  int kernel, int stride, int padding, int rowBegin, int rowEnd,
                                  int blockBegin, int blockEnd, const float *bias, const float *residual,
                                  int relu, float *output, float *scratch) {
    const int ho = (h + 2 * padding - kernel) / stride + 1, wo = (w + 2 * padding - kernel) / stride + 1;
    const int rows = rowEnd - rowBegin;
    const int hp = (rows - 1) * stride + kernel, wp = w + 2 * padding;
    const int op = fa_winograd_padded_outputs(out), taps = kernel * kernel;
    const int y0 = rowBegin * stride - padding;
    float *hwc = scratch;
    float *products = scratch + ((size_t)hp * wp * in + 15) / 16 * 16;

    // The input rows of the band, channel-innermost, zero in the padding.
    memset(hwc, 0, sizeof(float) * hp * wp * in);
    const size_t plane = (size_t)h * w;
    for (int yy = 0; yy < hp; yy++) {
        const int y = y0 + yy;
        if (y < 0 || y >= h) continue;
        float *row = hwc + ((size_t)yy * wp + padding) * in;
        int x = 0;
        if (in % 16 == 0) {
            for (; x + 16 <= w; x += 16) {
                for (int block = 0; block < in / 16; block++) {
                    v16 r[16];
                    for (int c = 0; c < 16; c++) r[c] = load16(image + (block * 16 + c) * plane + (size_t)y * w + x);
                    NAME(transpose16)(r);
                    for (int j = 0; j < 16; j++) store16(row + (size_t)(x + j) * in + block * 16, r[j]);
                }
            }
        }
        for (int c = 0; c < in; c++) {
            const float *src = image + c * plane + (size_t)y * w;
            for (int xx = x; xx < w; xx++) row[(size_t)xx * in + c] = src[xx];
        }
    }

    // Products [pixel of the band][output], panels of equal width along each output row.
    ptrdiff_t offsets[taps];
    for (int ky = 0; ky < kernel; ky++)
        for (int kx = 0; kx < kernel; kx++) offsets[ky * kernel + kx] = ((ptrdiff_t)ky * wp + kx) * in;
    const int panels = (wo + ROWS - 1) / ROWS, width = (wo + panels - 1) / panels;
    for (int oy = 0; oy < rows; oy++) {
        for (int ob = blockBegin; ob < blockEnd; ob++) {
            const float *u = packed + (size_t)ob * taps * in * 32;
            for (int ox = 0; ox < wo; ox += width) {
                const int count = wo - ox < width ? wo - ox : width;
                const float *v = hwc + ((size_t)oy * stride * wp + (size_t)ox * stride) * in;
                float *c = products + ((size_t)oy * wo + ox) * op + ob * 32;
                switch (count) {
#define NAME_PANEL_CASE(R) case R: NAME(panel)(R, v, (size_t)stride * in, u, in, taps, offsets, c, op); break;
                NAME_PANEL_CASES
#undef NAME_PANEL_CASE
                default: break;
                }
            }
        }
    }

    // Products → output planes, 16 pixels × 16 channels at a time through a register transpose.
    const size_t pixels = (size_t)rows * wo, outPlane = (size_t)ho * wo, first = (size_t)rowBegin * wo;
    const int groupEnd = 2 * blockEnd < (out + 15) / 16 ? 2 * blockEnd : (out + 15) / 16;
    for (int group = 2 * blockBegin; group < groupEnd; group++) {
        const int channels = out - group * 16 < 16 ? out - group * 16 : 16;
        float *planes = output + (size_t)group * 16 * outPlane + first;
        const float *residuals = residual ? residual + (size_t)group * 16 * outPlane + first : NULL;
        size_t p = 0;
        for (; p + 16 <= pixels; p += 16) {
            v16 r[16];
            for (int j = 0; j < 16; j++) r[j] = load16(products + (p + j) * op + group * 16);
            NAME(transpose16)(r);
            for (int c = 0; c < channels; c++) {
                v16 s = r[c];
                if (bias) s += splat16(bias[group * 16 + c]);
                if (residuals) s += load16(residuals + c * outPlane + p);
                if (relu) s = __builtin_elementwise_max(s, splat16(0));
                store16(planes + c * outPlane + p, s);
            }
        }
        for (; p < pixels; p++) {
            for (int c = 0; c < channels; c++) {
                float s = products[p * op + group * 16 + c];
                if (bias) s += bias[group * 16 + c];
                if (residuals) s += residuals[c * outPlane + p];
                planes[c * outPlane + p] = relu && s < 0 ? 0 : s;
            }
        }
    }
}
