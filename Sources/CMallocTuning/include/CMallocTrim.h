#ifndef CMALLOCTRIM_H
#define CMALLOCTRIM_H

#include <stddef.h>

/// Fixes glibc's mmap threshold (M_MMAP_THRESHOLD) and top-of-heap trim threshold (M_TRIM_THRESHOLD)
/// at the given sizes, each unless its environment variable (MALLOC_MMAP_THRESHOLD_,
/// MALLOC_TRIM_THRESHOLD_) decides. By default glibc raises the mmap threshold to the size of every
/// large block freed (up to 32 MB), so that an upload's few-MB batch buffers are carved from the
/// heap from then on and the memory stays with the process after they are freed; a fixed threshold
/// maps each such buffer on its own and gives it back on free. Returns how many were set (0-2).
int chemgate_fix_malloc_thresholds(size_t mmap_threshold, size_t trim_threshold);

/// Hands the free pages of every malloc arena back to the kernel (glibc's malloc_trim(0), which also
/// releases whole free pages in the middle of an arena, not only at its top). Returns 1 when some
/// memory was released. Walks every arena's free lists: call it now and then, never per reading.
int chemgate_release_free_memory(void);

#endif
