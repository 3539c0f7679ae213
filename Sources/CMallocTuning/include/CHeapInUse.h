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

/// malloc's heap at one moment, from one mallinfo2 call.
struct chemgate_heap {
    /// As chemgate_heap_in_use.
    size_t in_use;
    /// Freed and kept by malloc in its arenas (mallinfo2 `fordblks`), not handed back to the kernel;
    /// resident only where a page of it was touched and not trimmed since.
    size_t held_free;
};

/// malloc's heap now. mallinfo2 locks and walks every arena's free lists: call it at a scrape, never
/// per reading.
struct chemgate_heap chemgate_heap_now(void);

#endif
