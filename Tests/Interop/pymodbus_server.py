#!/usr/bin/env python3
"""A Modbus server written with pymodbus, for chemgate's interoperability tests.

Serves two units with fixed, known values, over TCP or RTU:
  unit 1: holding 0..9 = 1000..1009, input 0..9 = 2000..2009,
          coils 0..15 = on at even addresses, discrete 0..15 = on at multiples of 3
  unit 7: holding 0..9 = 7000..7009
Anything else answers exception 02 (illegal data address).

Usage: pymodbus_server.py tcp PORT | pymodbus_server.py rtutcp PORT | pymodbus_server.py rtu DEVICE BAUD PARITY
(rtutcp: RTU frames, CRC included, over TCP, as a serial device server in TCP-server mode carries them)
"""
import sys

from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice


def unit(device_id, holding_base):
    coils = [SimData(address=0, values=[i % 2 == 0 for i in range(16)], datatype=DataType.BITS)]
    discrete = [SimData(address=0, values=[i % 3 == 0 for i in range(16)], datatype=DataType.BITS)]
    holding = [SimData(address=0, values=[holding_base + i for i in range(10)], datatype=DataType.REGISTERS)]
    inputs = [SimData(address=0, values=[2000 + i for i in range(10)], datatype=DataType.REGISTERS)]
    return SimDevice(id=device_id, simdata=(coils, discrete, holding, inputs))


def main():
    devices = [unit(1, 1000), unit(7, 7000)]
    if sys.argv[1] == "tcp":
        StartTcpServer(devices, address=("127.0.0.1", int(sys.argv[2])))
    elif sys.argv[1] == "rtutcp":
        StartTcpServer(devices, address=("127.0.0.1", int(sys.argv[2])), framer="rtu")
    else:
        StartSerialServer(
            devices,
            port=sys.argv[2],
            framer="rtu",
            baudrate=int(sys.argv[3]),
            parity=sys.argv[4],
            bytesize=8,
            stopbits=1,
        )


if __name__ == "__main__":
    main()
