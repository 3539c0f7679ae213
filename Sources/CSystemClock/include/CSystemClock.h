#ifndef CHEMGATE_CSYSTEMCLOCK_H
#define CHEMGATE_CSYSTEMCLOCK_H

/// Asks the kernel (adjtimex) whether NTP keeps the system clock synchronised.
/// Returns 0 and fills both outputs on success, -1 when the kernel cannot tell.
int chemgate_clock_status(int *synchronized, double *offset_ms);

#endif
