// The C reference of `chemgate-bench mqtt`: the plainest libmosquitto QoS 1 publisher, publishing
// the same number of messages of the same size with the same in-flight window as chemgate's MQTT
// client, against the same broker.
//
//   mqtt-loop-reference HOST PORT MESSAGES BYTES IN_FLIGHT
//
// Prints "messages N seconds S" (from the first publish to the last PUBACK) and exits 0 (1 on a
// usage or connection error).
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

static volatile int acknowledged = 0;
static volatile bool connected = false;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc) {
    (void)mosq;
    (void)obj;
    if (rc == 0) connected = true;
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid) {
    (void)mosq;
    (void)obj;
    (void)mid;
    acknowledged++;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT MESSAGES BYTES IN_FLIGHT\n", argv[0]);
        return 1;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int messages = atoi(argv[3]);
    int bytes = atoi(argv[4]);
    int in_flight = atoi(argv[5]);
    if (messages < 1 || bytes < 1 || in_flight < 1) {
        fprintf(stderr, "MESSAGES, BYTES and IN_FLIGHT are positive\n");
        return 1;
    }
    mosquitto_lib_init();
    struct mosquitto *mosq = mosquitto_new("mqtt-loop-reference", true, NULL);
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(mosq, (unsigned int)in_flight);
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_publish_callback_set(mosq, on_publish);
    if (mosquitto_connect(mosq, host, port, 30) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "cannot connect to %s:%d\n", host, port);
        return 1;
    }
    mosquitto_loop_start(mosq);
    double deadline = now_seconds() + 10;
    while (!connected && now_seconds() < deadline) {
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    char *payload = malloc((size_t)bytes);
    memset(payload, 'x', (size_t)bytes);
    double start = now_seconds();
    for (int i = 0; i < messages; i++) {
        mosquitto_publish(mosq, NULL, "bench/reference", bytes, payload, 1, false);
    }
    while (acknowledged < messages) {
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    double seconds = now_seconds() - start;
    printf("messages %d seconds %.6f\n", messages, seconds);
    mosquitto_disconnect(mosq);
    mosquitto_loop_stop(mosq, false);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    free(payload);
    return 0;
}
