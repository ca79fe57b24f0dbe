#!/bin/sh
# bench.sh - throughput and CPU-per-request of valkey-lite against Debian's redis-server,
# measured with redis-benchmark in the same run on the same machine.
#
#   sh utils/bench.sh [--short|--long] [--csv FILE] [--rounds N] [--n1 N] [--n16 N]
#                     [--tests a,b,...] [--pipelines 1,16] [--random N] [--keep]
#
# The one decision: every test is its own redis-benchmark invocation, alternated between the
# two servers (test T at -P p: valkey-lite, redis, then the next test; the whole sequence
# again for each round). One invocation per test is what lets us read the server's CPU
# (/proc/<pid>) before and after it, so each row carries CPU per request, the figure that
# does not depend on the client being the bottleneck; alternating per test keeps machine
# drift out of the ratios. It also means a missing command fails one row, not the run
# (redis-benchmark exits at the first error reply). Rejected: one `-t a,b,c` run per server
# (CPU cannot be split between tests, the first error kills the rest) and a fresh server per
# test (startup noise, and the servers would not warm up).
#
# multi_exec is a transaction per request (MULTI, ten INCRs, EXEC), sent by utils/vl-txbench
# with redis-benchmark's options and output; its rate is transactions per second.
#
# lrange_100 / lrange_600 are sent as the custom command `LRANGE mylist 0 99|599` on a list
# this script fills with 1000 3-byte elements just before: the same bytes on the wire as
# redis-benchmark's -t lrange_N, without its hidden LPUSH prelude that would be counted in
# the CPU. publish0 / publish1 send `PUBLISH chan msg` with 0 and 1 subscriber (a
# `redis-cli SUBSCRIBE chan` started and stopped by this script).
#
# Servers are started by this script on free 127.0.0.1 ports with persistence off and stopped
# by their PIDs on exit (trap). With two or more usable cores the servers run on the first
# and redis-benchmark (and the subscriber) on the second (taskset). Every wait is bounded;
# every redis-benchmark runs under `timeout`. The raw per-run records go to a TSV beside the
# CSV; utils/bench_report.py turns them into the table and the CSV.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VL_BIN=${VL_SERVER:-$ROOT/src/valkey-lite-server}
RD_BIN=${REDIS_SERVER:-/usr/bin/redis-server}
BENCH=${REDIS_BENCHMARK:-redis-benchmark}
CLI=${REDIS_CLI:-redis-cli}
. "$(dirname "$0")/benchlib.sh" # stopPid, freePort, launchServer

MODE=short
CSV=
ROUNDS=
N1=
N16=
RANDOM_KEYS=
KEEP=0
PIPES="1 16"
TESTS="ping_inline,ping_mbulk,set,get,incr,lpush,rpush,lpop,rpop,lrange_100,lrange_600,hset,sadd,spop,publish0,publish1,multi_exec"

usage() {
    sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --short) MODE=short ;;
    --long) MODE=long ;;
    --csv) [ $# -ge 2 ] || usage; CSV=$2; shift ;;
    --rounds) [ $# -ge 2 ] || usage; ROUNDS=$2; shift ;;
    --n1) [ $# -ge 2 ] || usage; N1=$2; shift ;;
    --n16) [ $# -ge 2 ] || usage; N16=$2; shift ;;
    --tests) [ $# -ge 2 ] || usage; TESTS=$2; shift ;;
    --pipelines) [ $# -ge 2 ] || usage; PIPES=$(echo "$2" | tr ',' ' '); shift ;;
    --random) [ $# -ge 2 ] || usage; RANDOM_KEYS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) usage ;;
    *) echo "bench.sh: unknown option $1" >&2; usage ;;
    esac
    shift
done

# Sizes. short: the whole `make bench` in under 3 minutes on a 2-core VM (~2 s per test pair);
# long: 5 rounds, 5x the requests per run, about 15-20 minutes. -n is per test and per server;
# the lrange tests cost 10-60x a GET per request and run a fraction of it (see nFor).
if [ "$MODE" = long ]; then
    : "${ROUNDS:=5}" "${N1:=50000}" "${N16:=750000}"
    TMO=${BENCH_TIMEOUT:-180}
else
    : "${ROUNDS:=2}" "${N1:=10000}" "${N16:=150000}"
    TMO=${BENCH_TIMEOUT:-40}
fi

for b in "$VL_BIN" "$RD_BIN"; do
    [ -x "$b" ] || { echo "bench.sh: $b not found or not executable (run make first)" >&2; exit 1; }
done
for b in "$BENCH" "$CLI" python3 timeout; do
    command -v "$b" >/dev/null 2>&1 || { echo "bench.sh: $b is needed" >&2; exit 1; }
done

STAMP=$(date +%Y%m%d-%H%M%S)
[ -n "$CSV" ] || CSV=/tmp/valkey-lite-bench-$STAMP.csv
RAW=${CSV%.csv}.raw.tsv
WORK=$(mktemp -d /tmp/vlbench.XXXXXX) || exit 1

# A private copy of the server binary: a rebuild of the tree during the run (others work in it)
# must not swap or remove the program under test.
cp "$VL_BIN" "$WORK/valkey-lite-server" || exit 1
VL_BIN=$WORK/valkey-lite-server

VL_PID=
RD_PID=
SUB_PID=

cleanup() {
    trap - EXIT INT TERM
    stopPid "$SUB_PID"
    stopPid "$VL_PID"
    stopPid "$RD_PID"
    if [ "$KEEP" = 1 ]; then echo "bench.sh: logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Cores: the first usable one for the servers, the second for the client side.
set -- $(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')
NCPU=$#
if [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    SRV_CPU=$1
    CLI_CPU=$2
    PIN_SRV="taskset -c $SRV_CPU"
    PIN_CLI="taskset -c $CLI_CPU"
else
    SRV_CPU=-
    CLI_CPU=-
    PIN_SRV=
    PIN_CLI=
fi

# Two distinct free loopback ports (both bound at once, so they differ).
set -- $(python3 -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
VL_PORT=$1
RD_PORT=$2

# startServer vl|rd: start it pinned, wait (bounded) for PONG; sets VL_PID / RD_PID.
startServer() {
    if [ "$1" = vl ]; then
        launchServer vl "$VL_BIN" "$VL_PORT" $PIN_SRV || return 1
        VL_PID=$LAUNCHED_PID
    else
        launchServer rd "$RD_BIN" "$RD_PORT" $PIN_SRV || return 1
        RD_PID=$LAUNCHED_PID
    fi
}

startServer vl || exit 1
startServer rd || exit 1

# Server CPU: ns from the scheduler (sum over threads, precise) and clock ticks
# (utime+stime, /proc/<pid>/stat fields 14+15; what the issue names, 10 ms resolution).
cpuNs() {
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f", s}'
}
cpuTicks() {
    sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | awk '{print $12 + $13}'
}

# A list of 1000 "xxx" for the lrange tests (word-split on purpose when used).
XXX1000=$(python3 -c 'print(" ".join(["xxx"] * 1000))')

nFor() { # test P -> requests
    case "$2" in 1) n=$N1 ;; *) n=$N16 ;; esac
    case "$1:$2" in
    lrange_100:1) n=$((n / 2)) ;;
    lrange_600:1) n=$((n / 4)) ;;
    lrange_100:*) n=$((n / 8)) ;;
    lrange_600:*) n=$((n / 40)) ;;
    multi_exec:*) n=$((n / 12)) ;; # a request is 12 commands
    esac
    [ "$n" -ge 100 ] || n=100
    echo "$n"
}

FAILED=" "
SERVERS_DIED=0

printf 'server\tround\tP\ttest\tn\tstatus\trps\tsrv_ns\tsrv_ticks\tcli_ticks\tnote\n' >"$RAW"

# runOne vl|rd round P test: one redis-benchmark run; appends a record to $RAW.
runOne() {
    srv=$1 round=$2 P=$3 test=$4
    if [ "$srv" = vl ]; then pid=$VL_PID port=$VL_PORT; else pid=$RD_PID port=$RD_PORT; fi
    n=$(nFor "$test" "$P")
    key="$srv:$test:$P"
    note=
    status=ok
    case "$FAILED" in *" $key "*)
        printf '%s\t%s\t%s\t%s\t%s\tskipped\t\t\t\t\tfailed in an earlier round\n' \
            "$srv" "$round" "$P" "$test" "$n" >>"$RAW"
        return 0 ;;
    esac
    if ! kill -0 "$pid" 2>/dev/null; then
        # It died in an earlier test; restart it (bounded: at most 3 restarts per run).
        if [ $SERVERS_DIED -lt 3 ] && startServer "$srv"; then
            SERVERS_DIED=$((SERVERS_DIED + 1))
            if [ "$srv" = vl ]; then pid=$VL_PID; else pid=$RD_PID; fi
        else
            printf '%s\t%s\t%s\t%s\t%s\tdead\t\t\t\t\tserver not running\n' \
                "$srv" "$round" "$P" "$test" "$n" >>"$RAW"
            return 0
        fi
    fi

    c="timeout 10 $CLI -h 127.0.0.1 -p $port" # a wedged server must not hang the run
    tool=$BENCH
    case "$test" in
    multi_exec) # MULTI, ten INCRs, EXEC per request: redis-benchmark sends one command
        tool=$ROOT/utils/vl-txbench
        set --
        ;;
    lrange_100 | lrange_600)
        $c del mylist >/dev/null 2>&1
        len=$($c rpush mylist $XXX1000 2>&1)
        if [ "$len" != 1000 ]; then
            status=failed note="setup RPUSH: $(echo "$len" | head -1 | cut -c1-50)"
        fi
        set -- LRANGE mylist 0 $((${test#lrange_} - 1))
        ;;
    publish0) set -- PUBLISH chan msg ;;
    publish1)
        $PIN_CLI $CLI -h 127.0.0.1 -p "$port" subscribe chan >/dev/null 2>&1 &
        SUB_PID=$!
        i=0 subs=
        while [ $i -lt 100 ]; do
            subs=$($c pubsub numsub chan 2>/dev/null | sed -n 2p)
            [ "$subs" = 1 ] && break
            kill -0 "$SUB_PID" 2>/dev/null || break
            sleep 0.05
            i=$((i + 1))
        done
        [ "$subs" = 1 ] || status=failed note="subscriber not seen by PUBSUB NUMSUB"
        set -- PUBLISH chan msg
        ;;
    *) set -- -t "$test" ;;
    esac
    [ -n "$RANDOM_KEYS" ] && set -- -r "$RANDOM_KEYS" "$@"

    rps='' ns='' ticks='' cticks=''
    if [ "$status" = ok ]; then
        out="$WORK/out.$srv"
        ns0=$(cpuNs "$pid") t0=$(cpuTicks "$pid")
        # The wrapping sh reads its own cutime+cstime (stat fields 16+17) after reaping the
        # benchmark: the client's CPU, without /usr/bin/time.
        sh -c 'o=$1; shift; "$@" >"$o" 2>&1; rc=$?
               sed "s/.*) //" /proc/$$/stat | awk "{print \$14 + \$15}" >"$o.cpu"; exit $rc' \
            sh "$out" $PIN_CLI timeout "$TMO" "$tool" -h 127.0.0.1 -p "$port" -q --csv \
            -c 50 -P "$P" -n "$n" "$@"
        rc=$?
        ns1=$(cpuNs "$pid") t1=$(cpuTicks "$pid")
        cticks=$(cat "$out.cpu" 2>/dev/null)
        rps=$(awk -F'","' '/^"/ && $1 != "\"test" { r = $2 } END { gsub(/"/, "", r); print r }' "$out")
        if [ $rc -eq 124 ]; then
            status=timeout note="no result within ${TMO}s"
        elif ! kill -0 "$pid" 2>/dev/null; then
            status=crashed note="server died during the test"
        elif [ $rc -ne 0 ] || [ -z "$rps" ]; then
            status=failed
            note=$(grep -m1 -i 'error\|err ' "$out" | tr -d '\r\t' | sed 's/.*Error from server: //' | cut -c1-60)
            [ -n "$note" ] || note="redis-benchmark exit $rc"
        fi
        if [ "$status" = ok ]; then
            ns=$((ns1 - ns0)) ticks=$((t1 - t0))
        else
            rps=
        fi
    fi
    if [ "$test" = publish1 ]; then
        if [ "$status" = ok ]; then
            subs=$($c pubsub numsub chan 2>/dev/null | sed -n 2p)
            [ "$subs" = 1 ] || note="subscriber gone after the run"
        fi
        stopPid "$SUB_PID"
        SUB_PID=
    fi
    [ "$status" = ok ] || FAILED="$FAILED$key "
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$srv" "$round" "$P" "$test" "$n" \
        "$status" "$rps" "$ns" "$ticks" "$cticks" "$note" >>"$RAW"
}

START=$(date +%s)
echo "bench.sh: $MODE, $ROUNDS rounds, -P $PIPES (-n $N1 at -P 1, $N16 otherwise), -c 50;" \
    "servers on cpu $SRV_CPU, client on cpu $CLI_CPU ($NCPU usable)"
echo "bench.sh: valkey-lite pid $VL_PID port $VL_PORT; redis-server pid $RD_PID port $RD_PORT"
TESTLIST=$(echo "$TESTS" | tr ',' ' ')
r=1
while [ $r -le "$ROUNDS" ]; do
    for P in $PIPES; do
        for s in vl rd; do
            if [ "$s" = vl ]; then p=$VL_PORT; else p=$RD_PORT; fi
            timeout 10 $CLI -h 127.0.0.1 -p "$p" flushall >/dev/null 2>&1
        done
        printf 'bench.sh: round %s/%s -P %-2s ' "$r" "$ROUNDS" "$P"
        for t in $TESTLIST; do
            runOne vl "$r" "$P" "$t"
            runOne rd "$r" "$P" "$t"
            printf '.'
        done
        printf ' %ss\n' $(($(date +%s) - START))
    done
    r=$((r + 1))
done

VL_VER=$("$VL_BIN" --version 2>/dev/null | head -1)
RD_VER=$("$RD_BIN" --version 2>/dev/null | head -1)
python3 "$ROOT/utils/bench_report.py" --raw "$RAW" --csv "$CSV" \
    --meta "mode=$MODE rounds=$ROUNDS n1=$N1 n16=$N16 clients=50 random=${RANDOM_KEYS:-off} server_cpu=$SRV_CPU client_cpu=$CLI_CPU ncpu=$NCPU clk_tck=$(getconf CLK_TCK)" \
    --meta "valkey-lite: $VL_VER" --meta "redis: $RD_VER" \
    --meta "host: $(uname -srm), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "bench.sh: total $(($(date +%s) - START))s; CSV $CSV; raw runs $RAW"
