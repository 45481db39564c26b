// The fixed-order product (include/fixed_order_product.h): register tiles of up to 6 rows
// by 16-64 columns, AVX2 and FMA intrinsics.
//
// Why the order cannot change with the tiling: every element has one accumulator of its
// own, which starts at the bias and takes the k products one after another by FMA, in
// p order, whichever tile (of however many rows and columns) computes it. FMA rounds
// once, so a lane of a vector FMA gives the bits of the scalar fmaf, and nothing sums
// partial accumulators. The tiles differ only in how many independent accumulators run
// side by side, which is speed, not arithmetic.
//
// Why AVX2 and not AVX-512: every machine this runs on has AVX2 and FMA (the Swift code is
// compiled for haswell too), so one instruction sequence runs everywhere and gives the
// same bits on every CPU; the AMD EPYC CPUs with AVX-512 here (Zen 4) execute 512-bit
// FMAs as two 256-bit halves, so wider vectors would not add arithmetic throughput.
//
// No k blocking: a 6 x 16 tile keeps its 12 accumulators in registers for the whole of k,
// reading a 16-column panel (64 KB for k = 1024) from L2 and six rows of A. Measured on
// the shapes of a chain step (k = 1024, n = 784 or 200; k = 100, n = 1024; 250 rows) this
// ran at 95-105 % of OpenBLAS's single-threaded sgemm.
#include "fixed_order_product.h"

#include <immintrin.h>

#define PANEL 16
#define TARGET __attribute__((target("avx2,fma")))

static inline TARGET __m256i lanes_below(int valid) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// R rows by P panels; `columns` of the 16 P are real (the rest are neither read from the
// bias nor written). Called with constant R and P only, so the compiler unrolls both and
// keeps the 2 R P accumulators in registers.
static inline __attribute__((always_inline)) TARGET void tile(
    const int R, const int P, int k, const float *a, ptrdiff_t lda, const float *panels, size_t panel_stride,
    const float *bias, float *c, ptrdiff_t ldc, int columns) {
    __m256 acc[6][8];
    __m256i mask[8];
    for (int v = 0; v < 2 * P; v++) {
        int valid = columns - 8 * v;
        mask[v] = lanes_below(valid < 0 ? 0 : valid > 8 ? 8 : valid);
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 2 * P; v++)
            acc[r][v] = bias ? _mm256_maskload_ps(bias + 8 * v, mask[v]) : _mm256_setzero_ps();
    for (int p = 0; p < k; p++) {
        __m256 b[8];
        for (int v = 0; v < 2 * P; v++) b[v] = _mm256_loadu_ps(panels + (v / 2) * panel_stride + (size_t)p * PANEL + (v % 2) * 8);
        for (int r = 0; r < R; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * lda + p);
            for (int v = 0; v < 2 * P; v++) acc[r][v] = _mm256_fmadd_ps(x, b[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 2 * P; v++) _mm256_maskstore_ps(c + r * ldc + 8 * v, mask[v], acc[r][v]);
}

typedef void (*tile_function)(int, const float *, ptrdiff_t, const float *, size_t, const float *, float *, ptrdiff_t, int);

#define TILE(R, P)                                                                                                   \
    static TARGET void tile_##R##x##P(int k, const float *a, ptrdiff_t lda, const float *panels, size_t panel_stride, \
                                      const float *bias, float *c, ptrdiff_t ldc, int columns) {                     \
        tile(R, P, k, a, lda, panels, panel_stride, bias, c, ldc, columns);                                          \
    }
TILE(6, 1) TILE(5, 1) TILE(4, 1) TILE(3, 1) TILE(2, 1) TILE(1, 1) TILE(3, 2) TILE(2, 3) TILE(1, 4)

// Tiles for R rows, one panel wide and as wide as 16 registers allow (fewer rows, more
// columns: one chain alone still has 8 independent FMA chains in flight).
static const tile_function one_panel[7] = {0, tile_1x1, tile_2x1, tile_3x1, tile_4x1, tile_5x1, tile_6x1};
static const tile_function widest[7] = {0, tile_1x4, tile_2x3, tile_3x2, tile_4x1, tile_5x1, tile_6x1};
static const int widest_panels[7] = {0, 4, 3, 2, 1, 1, 1};

size_t vaedyn_fop_packed_count(int k, int n) {
    return (size_t)((n + PANEL - 1) / PANEL) * (size_t)k * PANEL;
}

void vaedyn_fop_pack(const float *b, ptrdiff_t row_stride, ptrdiff_t column_stride, int k, int n, float *packed) {
    int panels = (n + PANEL - 1) / PANEL;
    for (int j = 0; j < panels; j++)
        for (int p = 0; p < k; p++)
            for (int q = 0; q < PANEL; q++) {
                int column = j * PANEL + q;
                packed[((size_t)j * k + p) * PANEL + q] = column < n ? b[p * row_stride + column * column_stride] : 0.0f;
            }
}

// Rows [first, first + R) across every panel: the widest tile while enough panels remain,
// then one panel at a time.
static void row_strip(int R, const float *a, ptrdiff_t lda, const float *packed, int k, int n, const float *bias,
                      float *c, ptrdiff_t ldc) {
    int panels = (n + PANEL - 1) / PANEL, width = widest_panels[R];
    size_t stride = (size_t)k * PANEL;
    int j = 0;
    for (; j + width <= panels; j += width)
        widest[R](k, a, lda, packed + j * stride, stride, bias ? bias + j * PANEL : 0, c + j * PANEL, ldc, n - j * PANEL);
    for (; j < panels; j++)
        one_panel[R](k, a, lda, packed + j * stride, stride, bias ? bias + j * PANEL : 0, c + j * PANEL, ldc, n - j * PANEL);
}

void vaedyn_fop_multiply(const float *a, ptrdiff_t lda, const float *packed, int k, int n,
                         const float *bias, float *c, ptrdiff_t ldc, int m) {
    if (m <= 0 || n <= 0) return;
    int panels = (n + PANEL - 1) / PANEL, whole = m / 6 * 6;
    size_t stride = (size_t)k * PANEL;
    // Panel by panel over the 6-row tiles: the panel stays in L2 while every row passes.
    for (int j = 0; j < panels; j++)
        for (int i = 0; i < whole; i += 6)
            tile_6x1(k, a + i * lda, lda, packed + j * stride, stride, bias ? bias + j * PANEL : 0, c + i * ldc + j * PANEL, ldc,
                     n - j * PANEL);
    if (m > whole) row_strip(m - whole, a + whole * lda, lda, packed, k, n, bias, c + whole * ldc, ldc);
}
