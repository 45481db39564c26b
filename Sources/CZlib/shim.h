#include <zlib.h>

// deflateInit2 and inflateInit2 are function-like macros, which Swift cannot import.
// windowBits 15 + 16 selects the gzip wrapper; 15 + 32 lets inflate detect zlib or gzip.
static inline int vaedyn_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int vaedyn_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
