#ifndef CHEMGATE_BUILD_INFO_H
#define CHEMGATE_BUILD_INFO_H

/// The git commit the binary was built from ("unknown" when built without `make`).
const char *chemgate_build_commit(void);

/// When the binary was built, ISO 8601 UTC ("unknown" when built without `make`).
const char *chemgate_build_date(void);

#endif
