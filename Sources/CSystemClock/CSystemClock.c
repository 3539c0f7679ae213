#include "CSystemClock.h"
#include <sys/timex.h>

int chemgate_clock_status(int *synchronized, double *offset_ms) {
    struct timex tx = {0};
    int state = adjtimex(&tx);
    if (state < 0) {
        return -1;
    }
    *synchronized = (state != TIME_ERROR) && !(tx.status & STA_UNSYNC);
    *offset_ms = (tx.status & STA_NANO) ? tx.offset / 1e6 : tx.offset / 1e3;
    return 0;
}
