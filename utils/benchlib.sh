# benchlib.sh - what bench.sh and membench.sh share (sourced, POSIX sh). Callers set CLI
# (redis-cli) and WORK (their scratch directory) first.

# Stop one process we started, by its PID: TERM, up to 5 s, then KILL.
stopPid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    _i=0
    while kill -0 "$1" 2>/dev/null && [ $_i -lt 100 ]; do
        sleep 0.05
        _i=$((_i + 1))
    done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

freePort() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# launchServer NAME BIN PORT [PREFIX...]: starts BIN (valkey-lite or redis-server, same
# flags) on 127.0.0.1:PORT with persistence off, logging to $WORK/NAME.log, optionally under
# a prefix command (taskset); waits (bounded, 5 s) for PONG. Sets LAUNCHED_PID. Both servers
# get the same subscriber buffer policy, so a slow subscriber is never cut mid-run.
launchServer() {
    _name=$1 _bin=$2 _port=$3
    shift 3
    "$@" "$_bin" --port "$_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$WORK" --enable-debug-command local >>"$WORK/$_name.log" 2>&1 &
    LAUNCHED_PID=$!
    _i=0
    while [ $_i -lt 100 ]; do
        [ "$(timeout 2 $CLI -h 127.0.0.1 -p "$_port" ping 2>/dev/null)" = PONG ] && break
        kill -0 "$LAUNCHED_PID" 2>/dev/null || break
        sleep 0.05
        _i=$((_i + 1))
    done
    if [ "$(timeout 2 $CLI -h 127.0.0.1 -p "$_port" ping 2>/dev/null)" != PONG ]; then
        echo "$_name server did not start; log:" >&2
        tail -5 "$WORK/$_name.log" >&2
        return 1
    fi
    timeout 5 $CLI -h 127.0.0.1 -p "$_port" config set client-output-buffer-limit \
        "pubsub 0 0 0" >/dev/null 2>&1
    return 0
}
