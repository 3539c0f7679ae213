#include "CHeapInUse.h"

#include <malloc.h>

size_t chemgate_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

size_t chemgate_mapped_bytes(void) {
    return mallinfo2().hblkhd;
}

struct chemgate_heap chemgate_heap_now(void) {
    struct mallinfo2 info = mallinfo2();
    struct chemgate_heap heap = {info.uordblks + info.hblkhd, info.fordblks};
    return heap;
}
