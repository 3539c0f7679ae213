#ifndef CHEMGATE_CMOSQUITTO_SHIM_H
#define CHEMGATE_CMOSQUITTO_SHIM_H

#include <mosquitto.h>
#include <mqtt_protocol.h>

#endif
