// What the kernels of one instruction set share: included by Kernels.c once per kernel family with NAME(x)
// giving the family's names, ROWS the rows per multiplication panel, and the family's target attribute on
// every function.

/// Transposes the 16 × 16 matrix whose rows are `r` in place: the off-diagonal blocks of 8, 4, 2 and 1 swap in turn.
static inline __attribute__((always_inline)) void NAME(transpose16)(v16 *r) {
    for (int i = 0; i < 8; i++) {
        const v16 a = r[i], b = r[i + 8];
        r[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        r[i + 8] = __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    }
    for (int i = 0; i < 16; i++) {
        if (i & 4) continue;
        const v16 a = r[i], b = r[i + 4];
        r[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        r[i + 4] = __builtin_shufflevector(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
    }
    for (int i = 0; i < 16; i++) {
        if (i & 2) continue;
        const v16 a = r[i], b = r[i + 2];
        r[i] = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        r[i + 2] = __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    }
    for (int i = 0; i < 16; i += 2) {
        const v16 a = r[i], b = r[i + 1];
        r[i] = __builtin_shufflevector(a, b, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        r[i + 1] = __builtin_shufflevector(a, b, 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
    }
}

/// Product rows `r < R` (R ≤ ROWS) × 32 outputs: c[r][0..<32] = Σ_tap Σ_k v[offset[tap] + r·vRow + k] ·
/// u[tap][k][0..<32] over `taps` taps (offsets NULL: one tap at offset 0) and `depth` values per tap.
/// Broadcasts of v times two 16-lane vectors of u fill 2R accumulators.
static inline __attribute__((always_inline)) void NAME(panel)(int R, const float *v, size_t vRow, const float *u,
                                                               int depth, int taps, const ptrdiff_t *offsets,
                                                               float *c, size_t cRow) {
    v16 acc[ROWS][2];
    for (int r = 0; r < R; r++) { acc[r][0] = splat16(0); acc[r][1] = splat16(0); }
    for (int tap = 0; tap < taps; tap++) {
        const float *vt = offsets ? v + offsets[tap] : v;
        const float *ut = u + (size_t)tap * depth * 32;
        for (int k = 0; k < depth; k++) {
            const v16 u0 = load16(ut + (size_t)k * 32), u1 = load16(ut + (size_t)k * 32 + 16);
            for (int r = 0; r < R; r++) {
                const v16 s = splat16(vt[r * vRow + k]);
                acc[r][0] += s * u0;
                acc[r][1] += s * u1;
            }
        }
    }
    for (int r = 0; r < R; r++) {
        store16(c + r * cRow, acc[r][0]);
        store16(c + r * cRow + 16, acc[r][1]);
    }
}

