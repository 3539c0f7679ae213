#ifndef CMALLOCTUNING_H
#define CMALLOCTUNING_H

#include "CHeapInUse.h"
#include "CMallocTrim.h"

/// Caps glibc's malloc arenas at `arenas` (mallopt M_ARENA_MAX) unless MALLOC_ARENA_MAX is set in
/// the environment. glibc gives each thread that contends its own 64 MB arena, and freed memory in
/// them is rarely handed back: with a thread per Modbus link plus NIO's and SQLite's, a gateway's
/// RSS grew by a third. Call it before a second thread allocates: glibc gives each new thread an arena
/// of its own on its first allocation while it is under the cap, and never drops an arena. Returns 1
/// when the cap was set, 0 when the environment decides.
int chemgate_cap_malloc_arenas(int arenas);

#endif
