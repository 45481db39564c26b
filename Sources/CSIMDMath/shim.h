// Square roots as the instruction itself. Swift's Float.squareRoot() on Linux goes through
// a C sqrtf that may set errno: a scalar vsqrtss and a branch to a call for every lane, even
// inside SIMD code. Clang's elementwise builtin has no errno, so a 16-lane vector becomes
// two vsqrtps. Static inline: Swift compiles these into the caller, no library is linked.
typedef float vaedyn_float16 __attribute__((ext_vector_type(16)));

static inline vaedyn_float16 vaedyn_sqrt16(vaedyn_float16 x) { return __builtin_elementwise_sqrt(x); }

static inline float vaedyn_sqrtf(float x) { return __builtin_elementwise_sqrt(x); }
