#include <png.h>
#include <string.h>

// libpng's simplified API, wrapped because Swift cannot import its function-like macros
// (PNG_IMAGE_SIZE, PNG_IMAGE_FAILED) nor set the version field conveniently.

static inline void vaedyn_png_image_init(png_image *image) {
    memset(image, 0, sizeof *image);
    image->version = PNG_IMAGE_VERSION;
}

static inline int vaedyn_png_image_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image);
}

static const png_uint_32 vaedyn_png_format_gray = PNG_FORMAT_GRAY;
static const png_uint_32 vaedyn_png_format_ga = PNG_FORMAT_GA;
static const png_uint_32 vaedyn_png_format_rgb = PNG_FORMAT_RGB;
static const png_uint_32 vaedyn_png_format_rgba = PNG_FORMAT_RGBA;
