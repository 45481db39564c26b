// A matrix product whose every output element is computed by one documented sequence of
// operations, whatever the number of rows, the other rows, the thread and the CPU:
//
//   c[i][j] = bias[j] (or +0 without a bias);  then for p = 0, 1, ..., k-1 in turn:
//   c[i][j] = fmaf(a[i][p], b[p][j], c[i][j])          (one correctly rounded FMA each)
//
// So a row of C depends only on its row of A, on B and on the bias (see
// Sources/VAE/Math/FixedOrderProduct.swift for why the chains need this).
#ifndef VAEDYN_FIXED_ORDER_PRODUCT_H
#define VAEDYN_FIXED_ORDER_PRODUCT_H

#include <stddef.h>

/// Floats `vaedyn_fop_pack` writes for a k x n matrix B: n rounded up to whole panels of
/// 16 columns, times k.
size_t vaedyn_fop_packed_count(int k, int n);

/// Lays out B (k x n; element (p, j) at b[p * row_stride + j * column_stride]) as panels
/// of 16 columns, each k rows of 16 contiguous floats; the columns past n are zero.
/// A transposed matrix is the same call with the strides swapped.
void vaedyn_fop_pack(const float *b, ptrdiff_t row_stride, ptrdiff_t column_stride, int k, int n, float *packed);

/// C (m x n, row stride ldc) = A (m x k, row stride lda) times the packed B, plus `bias`
/// (n floats, or NULL), in the order above. Writes only the n columns of the m rows.
/// Single-threaded: callers split rows between threads.
void vaedyn_fop_multiply(const float *a, ptrdiff_t lda, const float *packed, int k, int n,
                         const float *bias, float *c, ptrdiff_t ldc, int m);

#endif
