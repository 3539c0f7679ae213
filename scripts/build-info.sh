#!/usr/bin/env bash
# Writes Sources/CBuildInfo/build_info.generated.h (ignored by git): the git commit and the build
# date that `chemgate --version` prints. Rewrites it only when the commit changes, so a rebuild of
# the same commit recompiles nothing; `--date` (release and package builds) also stamps today's date.
set -euo pipefail
cd "$(dirname "$0")/.."
header=Sources/CBuildInfo/build_info.generated.h
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit-modified"
fi
date=unknown
if [ "${1:-}" = "--date" ]; then
    date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
elif [ -f "$header" ]; then
    # Keep the date of the last stamped build of this commit.
    date=$(sed -n 's/^#define CHEMGATE_BUILD_DATE "\(.*\)"$/\1/p' "$header")
    grep -q "\"$commit\"" "$header" || date=unknown
fi
content="// Written by scripts/build-info.sh; not in git.
#define CHEMGATE_BUILD_COMMIT \"$commit\"
#define CHEMGATE_BUILD_DATE \"${date:-unknown}\""
if [ ! -f "$header" ] || [ "$(cat "$header")" != "$content" ]; then
    printf '%s\n' "$content" >"$header"
fi
