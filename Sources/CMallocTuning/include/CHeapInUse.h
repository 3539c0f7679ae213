#ifndef CHEAPINUSE_H
#define CHEAPINUSE_H

#include <stddef.h>

/// Bytes allocated with malloc and not yet freed, over every arena (glibc's mallinfo2 `uordblks`, plus
/// `hblkhd` for the large blocks it maps on their own):
/// what memory tests count per configured point.
size_t chemgate_heap_in_use(void);

/// Bytes in blocks malloc mapped on their own (glibc's mallinfo2 `hblkhd`): blocks at or above the
/// mmap threshold, which go back to the kernel when freed.
size_t chemgate_mapped_bytes(void);

#endif
