// The C reference of `chemgate-bench link`: the plainest libmodbus client loop, reading the same
// registers as chemgate's link for the same time, against the same simulator.
//
//   modbus-loop-reference HOST PORT UNIT ADDRESS COUNT SECONDS
//
// Prints "transactions N seconds S failures F" and exits 0 (1 on a usage or connection error).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <modbus.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT UNIT ADDRESS COUNT SECONDS\n", argv[0]);
        return 1;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int unit = atoi(argv[3]);
    int address = atoi(argv[4]);
    int count = atoi(argv[5]);
    double seconds = atof(argv[6]);
    if (count < 1 || count > MODBUS_MAX_READ_REGISTERS || seconds <= 0) {
        fprintf(stderr, "COUNT is 1 to %d and SECONDS positive\n", MODBUS_MAX_READ_REGISTERS);
        return 1;
    }
    modbus_t *ctx = modbus_new_tcp(host, port);
    if (ctx == NULL) {
        fprintf(stderr, "cannot create the context: %s\n", modbus_strerror(errno));
        return 1;
    }
    modbus_set_slave(ctx, unit);
    modbus_set_response_timeout(ctx, 0, 500000);
    if (modbus_connect(ctx) == -1) {
        fprintf(stderr, "cannot connect to %s:%d: %s\n", host, port, modbus_strerror(errno));
        modbus_free(ctx);
        return 1;
    }
    uint16_t registers[MODBUS_MAX_READ_REGISTERS];
    long transactions = 0;
    long failures = 0;
    double start = now_seconds();
    double deadline = start + seconds;
    double now = start;
    while (now < deadline) {
        if (modbus_read_registers(ctx, address, count, registers) == count) {
            transactions++;
        } else {
            failures++;
        }
        now = now_seconds();
    }
    printf("transactions %ld seconds %.6f failures %ld\n", transactions, now - start, failures);
    modbus_close(ctx);
    modbus_free(ctx);
    return 0;
}
