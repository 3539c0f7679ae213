#include "CMallocTrim.h"

#include <malloc.h>
#include <stdlib.h>

int chemgate_fix_malloc_thresholds(size_t mmap_threshold, size_t trim_threshold) {
    int set = 0;
    if (getenv("MALLOC_MMAP_THRESHOLD_") == NULL && mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1) {
        set += 1;
    }
    if (getenv("MALLOC_TRIM_THRESHOLD_") == NULL && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1) {
        set += 1;
    }
    return set;
}

int chemgate_release_free_memory(void) {
    return malloc_trim(0);
}
