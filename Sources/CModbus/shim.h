#ifndef CHEMGATE_CMODBUS_SHIM_H
#define CHEMGATE_CMODBUS_SHIM_H

#include <modbus.h>

// libmodbus defines its error numbers as arithmetic macros, which Swift does not import.
// Re-export them as constants (STYLE.md §(e)).
static const int CModbus_EMBXILFUN = EMBXILFUN;
static const int CModbus_EMBXILADD = EMBXILADD;
static const int CModbus_EMBXILVAL = EMBXILVAL;
static const int CModbus_EMBXSFAIL = EMBXSFAIL;
static const int CModbus_EMBXACK = EMBXACK;
static const int CModbus_EMBXSBUSY = EMBXSBUSY;
static const int CModbus_EMBXNACK = EMBXNACK;
static const int CModbus_EMBXMEMPAR = EMBXMEMPAR;
static const int CModbus_EMBXGPATH = EMBXGPATH;
static const int CModbus_EMBXGTAR = EMBXGTAR;
static const int CModbus_EMBBADCRC = EMBBADCRC;
static const int CModbus_EMBBADDATA = EMBBADDATA;
static const int CModbus_EMBBADEXC = EMBBADEXC;
static const int CModbus_EMBUNKEXC = EMBUNKEXC;
static const int CModbus_EMBMDATA = EMBMDATA;
static const int CModbus_EMBBADSLAVE = EMBBADSLAVE;

#endif
