#include "CHeapInUse.h"

#include <malloc.h>

size_t chemgate_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

size_t chemgate_mapped_bytes(void) {
    return mallinfo2().hblkhd;
}
