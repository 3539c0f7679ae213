# Sourced by the scripts that run simulators, receivers and gateways in the background:
#   . scripts/scratch-dir.sh NAME
# makes $work (/tmp/chemgate-NAME.XXXXXX) and, when the script exits, stops its background jobs and
# removes $work.
work=$(mktemp -d "/tmp/chemgate-$1.XXXXXX")
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
