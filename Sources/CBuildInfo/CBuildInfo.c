// Build information that Swift cannot take from the command line: `scripts/build-info.sh`
// (called by `make build`, `make release` and `make package`) writes build_info.generated.h beside
// this file (ignored by git) only when its content changes, so only this file recompiles.
#include "CBuildInfo.h"

#if __has_include("build_info.generated.h")
#include "build_info.generated.h"
#endif

#ifndef CHEMGATE_BUILD_COMMIT
#define CHEMGATE_BUILD_COMMIT "unknown"
#endif

#ifndef CHEMGATE_BUILD_DATE
#define CHEMGATE_BUILD_DATE "unknown"
#endif

const char *chemgate_build_commit(void) { return CHEMGATE_BUILD_COMMIT; }

const char *chemgate_build_date(void) { return CHEMGATE_BUILD_DATE; }
