// The Winograd kernels for one instruction set: included by Kernels.c once per kernel family (after
// Panel.h), with NAME(x) giving the family's names and the family's target attribute on every function.

/// V[0..5] = Bᵀ · (a, b, c, d, e, f) for F(4×4, 3×3).
static inline __attribute__((always_inline)) void NAME(bt6)(v16 a, v16 b, v16 c, v16 d, v16 e, v16 f, v16 *o) {
    o[0] = 4 * a - 5 * c + e;
    o[1] = e + d - 4 * (b + c);
    o[2] = e - d + 4 * (b - c);
    o[3] = e - c + 2 * (d - b);
    o[4] = e - c + 2 * (b - d);
    o[5] = f + 4 * b - 5 * d;
}

/// V[0..3] = Bᵀ · (a, b, c, d) for F(2×2, 3×3).
static inline __attribute__((always_inline)) void NAME(bt4)(v16 a, v16 b, v16 c, v16 d, v16 *o) {
    o[0] = a - c;
    o[1] = b + c;
    o[2] = c - b;
    o[3] = b - d;
}

/// The transformed 6×6 tile whose top-left input sample is `d` (rows `row` floats apart, 16 channels per
/// sample), stored to `out` (tile positions `xi` floats apart).
static inline __attribute__((always_inline)) void NAME(input_tile6)(const float *d, size_t row, float *out, size_t xi) {
    v16 t[6][6];
    for (int j = 0; j < 6; j++) {
        v16 o[6];
        NAME(bt6)(load16(d + j * 16), load16(d + row + j * 16), load16(d + 2 * row + j * 16),
                  load16(d + 3 * row + j * 16), load16(d + 4 * row + j * 16), load16(d + 5 * row + j * 16), o);
        for (int i = 0; i < 6; i++) t[i][j] = o[i];
    }
    for (int i = 0; i < 6; i++) {
        v16 o[6];
        NAME(bt6)(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5], o);
        for (int j = 0; j < 6; j++) store16(out + (size_t)(i * 6 + j) * xi, o[j]);
    }
}

static inline __attribute__((always_inline)) void NAME(input_tile4)(const float *d, size_t row, float *out, size_t xi) {
    v16 t[4][4];
    for (int j = 0; j < 4; j++) {
        v16 o[4];
        NAME(bt4)(load16(d + j * 16), load16(d + row + j * 16), load16(d + 2 * row + j * 16), load16(d + 3 * row + j * 16), o);
        for (int i = 0; i < 4; i++) t[i][j] = o[i];
    }
    for (int i = 0; i < 4; i++) {
        v16 o[4];
        NAME(bt4)(t[i][0], t[i][1], t[i][2], t[i][3], o);
        for (int j = 0; j < 4; j++) store16(out + (size_t)(i * 4 + j) * xi, o[j]);
    }
}

static void NAME(input_transform)(int m, const float *input, int images, int in, int h, int w, float *v,
                                  int blockBegin, int blockEnd, float *scratch) {
    const int th = (h + m - 1) / m, tw = (w + m - 1) / m;
    const int hp = m * th + 2, wp = m * tw + 2;
    const int cp = fa_winograd_padded_inputs(in);
    const size_t tiles = (size_t)images * th * tw, xi = tiles * cp;
    const size_t row = (size_t)wp * 16;
    for (int block = blockBegin; block < blockEnd; block++) {
        const int channels = in - block * 16 < 16 ? in - block * 16 : 16;
        for (int image = 0; image < images; image++) {
            // The block's 16 channels, sample-major, with a zero border (one sample left and top, the rest of
            // the last tiles right and bottom).
            if (channels < 16) {
                memset(scratch, 0, sizeof(float) * hp * row);
            } else {
                memset(scratch, 0, sizeof(float) * row);
                memset(scratch + (size_t)(h + 1) * row, 0, sizeof(float) * (hp - h - 1) * row);
                for (int y = 1; y <= h; y++) {
                    memset(scratch + y * row, 0, sizeof(float) * 16);
                    memset(scratch + y * row + (size_t)(w + 1) * 16, 0, sizeof(float) * 16 * (wp - w - 1));
                }
            }
            // 16 samples of 16 channels at a time, transposed in registers; the rest one by one.
            const float *planes = input + ((size_t)image * in + block * 16) * h * w;
            const size_t pixels = (size_t)h * w;
            size_t p = 0;
            int y = 0, x = 0;
            if (channels == 16) {
                for (; p + 16 <= pixels; p += 16) {
                    v16 r[16];
                    for (int c = 0; c < 16; c++) r[c] = load16(planes + c * pixels + p);
                    NAME(transpose16)(r);
                    for (int j = 0; j < 16; j++) {
                        store16(scratch + (y + 1) * row + (size_t)(x + 1) * 16, r[j]);
                        if (++x == w) { x = 0; y++; }
                    }
                }
            }
            for (; p < pixels; p++) {
                for (int c = 0; c < channels; c++) scratch[(y + 1) * row + (size_t)(x + 1) * 16 + c] = planes[c * pixels + p];
                if (++x == w) { x = 0; y++; }
            }
            for (int ty = 0; ty < th; ty++) {
                for (int tx = 0; tx < tw; tx++) {
                    const size_t t = ((size_t)image * th + ty) * tw + tx;
                    const float *d = scratch + (size_t)m * ty * row + (size_t)m * tx * 16;
                    float *out = v + t * cp + block * 16;
                    if (m == 4) NAME(input_tile6)(d, row, out, xi);
                    else NAME(input_tile4)(d, row, out, xi);
                }
            }
        }
    }
}

static void NAME(multiply)(int m, const float *v, const float *packed, float *product, int tiles, int in, int out,
                           int xiBegin, int xiEnd) {
    const int cp = fa_winograd_padded_inputs(in), op = fa_winograd_padded_outputs(out);
    for (int xi = xiBegin; xi < xiEnd; xi++) {
        const float *vx = v + (size_t)xi * tiles * cp;
        const float *ux = packed + (size_t)xi * cp * op;
        float *mx = product + (size_t)xi * tiles * op;
        // Panels of equal height (at most ROWS tiles); each 32-output filter panel is read from memory once and
        // then serves every tile panel from the cache.
        const int panels = (tiles + ROWS - 1) / ROWS, height = (tiles + panels - 1) / panels;
        for (int ob = 0; ob < op / 32; ob++) {
            const float *u = ux + (size_t)ob * cp * 32;
            for (int t = 0; t < tiles; t += height) {
                const int rows = tiles - t < height ? tiles - t : height;
                float *c = mx + (size_t)t * op + ob * 32;
                const float *a = vx + (size_t)t * cp;
                switch (rows) {
#define NAME_PANEL_CASE(R) case R: NAME(panel)(R, a, cp, u, cp, 1, NULL, c, op); break;
                NAME_PANEL_CASES
#undef NAME_PANEL_CASE
                default: break;
                }
            }
        }
    }
}

/// Y[0..3] = Aᵀ · (a, b, c, d, e, f) for F(4×4, 3×3).
static inline __attribute__((always_inline)) void NAME(at6)(v16 a, v16 b, v16 c, v16 d, v16 e, v16 f, v16 *o) {
    const v16 bc = b + c, bd = b - c, de = d + e, dd = d - e;
    o[0] = a + bc + de;
    o[1] = bd + 2 * dd;
    o[2] = bc + 4 * de;
    o[3] = bd + 8 * dd + f;
}

/// Y[0..1] = Aᵀ · (a, b, c, d) for F(2×2, 3×3).
static inline __attribute__((always_inline)) void NAME(at4)(v16 a, v16 b, v16 c, v16 d, v16 *o) {
    o[0] = a + b + c;
    o[1] = b - c - d;
}

static void NAME(output_transform)(int m, const float *product, int images, int out, int h, int w,
                                   const float *bias, const float *residual, int relu, float *output,
                                   int blockBegin, int blockEnd, float *scratch) {
    const int alpha = m + 2;
    const int th = (h + m - 1) / m, tw = (w + m - 1) / m;
    const int wt = m * tw;
    const int op = fa_winograd_padded_outputs(out);
    const size_t tiles = (size_t)images * th * tw, xi = tiles * op;
    for (int block = blockBegin; block < blockEnd; block++) {
        const int channels = out - block * 16 < 16 ? out - block * 16 : 16;
        float biasBlock[16] = {0};
        if (bias) for (int c = 0; c < channels; c++) biasBlock[c] = bias[block * 16 + c];
        const v16 b = load16(biasBlock);
        for (int image = 0; image < images; image++) {
            for (int ty = 0; ty < th; ty++) {
                for (int tx = 0; tx < tw; tx++) {
                    const size_t t = ((size_t)image * th + ty) * tw + tx;
                    const float *q = product + t * op + block * 16;
                    float *y = scratch + ((size_t)m * ty * wt + (size_t)m * tx) * 16;
                    if (alpha == 6) {
                        v16 s[4][6];
                        for (int j = 0; j < 6; j++) {
                            v16 o[4];
                            NAME(at6)(load16(q + j * xi), load16(q + (6 + j) * xi), load16(q + (12 + j) * xi),
                                      load16(q + (18 + j) * xi), load16(q + (24 + j) * xi), load16(q + (30 + j) * xi), o);
                            for (int i = 0; i < 4; i++) s[i][j] = o[i];
                        }
                        for (int i = 0; i < 4; i++) {
                            v16 o[4];
                            NAME(at6)(s[i][0], s[i][1], s[i][2], s[i][3], s[i][4], s[i][5], o);
                            for (int j = 0; j < 4; j++) store16(y + ((size_t)i * wt + j) * 16, o[j] + b);
                        }
                    } else {
                        v16 s[2][4];
                        for (int j = 0; j < 4; j++) {
                            v16 o[2];
                            NAME(at4)(load16(q + j * xi), load16(q + (4 + j) * xi), load16(q + (8 + j) * xi),
                                      load16(q + (12 + j) * xi), o);
                            s[0][j] = o[0]; s[1][j] = o[1];
                        }
                        for (int i = 0; i < 2; i++) {
                            v16 o[2];
                            NAME(at4)(s[i][0], s[i][1], s[i][2], s[i][3], o);
                            for (int j = 0; j < 2; j++) store16(y + ((size_t)i * wt + j) * 16, o[j] + b);
                        }
                    }
                }
            }
            // Sample-major → the output planes, with the residual and ReLU: 16 samples of 16 channels at a time,
            // transposed in registers; the rest one by one.
            const size_t pixels = (size_t)h * w;
            const size_t first = ((size_t)image * out + block * 16) * pixels;
            float *planes = output + first;
            const float *residuals = residual ? residual + first : NULL;
            size_t p = 0;
            int y = 0, x = 0;
            for (; p + 16 <= pixels; p += 16) {
                v16 r[16];
                for (int j = 0; j < 16; j++) {
                    r[j] = load16(scratch + ((size_t)y * wt + x) * 16);
                    if (++x == w) { x = 0; y++; }
                }
                NAME(transpose16)(r);
                for (int c = 0; c < channels; c++) {
                    v16 s = r[c];
                    if (residuals) s += load16(residuals + c * pixels + p);
                    if (relu) s = __builtin_elementwise_max(s, splat16(0));
                    store16(planes + c * pixels + p, s);
                }
            }
            for (; p < pixels; p++) {
                for (int c = 0; c < channels; c++) {
                    float s = scratch[((size_t)y * wt + x) * 16 + c];
                    if (residuals) s += residuals[c * pixels + p];
                    planes[c * pixels + p] = relu && s < 0 ? 0 : s;
                }
                if (++x == w) { x = 0; y++; }
            }
        }
    }
}
