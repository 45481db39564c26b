// Names the calling thread as the kernel sees it (/proc/PID/task/TID/comm, at most 15
// bytes): pthread_setname_np needs _GNU_SOURCE, which the Glibc module is built without,
// and prctl is variadic, which Swift cannot call.
#include <sys/prctl.h>

static inline int vaedyn_name_current_thread(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}
