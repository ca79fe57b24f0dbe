#!/bin/sh
# membench.sh - memory per key of valkey-lite against Debian's redis-server, the same data
# loaded into a fresh server of each.
#
#   sh utils/membench.sh [--csv FILE] [--datasets a,b,...] [--scale F] [--keep]
#
# Datasets (default all; --scale 0.01 loads 1% of each, for a quick check):
#   str16     1,000,000 keys by DEBUG POPULATE 1000000 key 16 (the issue's 78 MB figure)
#   str100    1,000,000 keys key:N holding 100-byte values (pipelined SET)
#   list      one list of 1,000,000 elements "elem:N" (pipelined RPUSH, 1000 per command)
#   hash      10,000 hashes hash:N of 100 fields field:J = value:J (one HSET each)
#   channels  100,000 channels chan:N, each with one subscriber (one connection holds all)
#
# The one decision: a fresh server per dataset and per server, measured empty and loaded, and
# the per-element figure is (loaded - empty) / elements, so the fixed startup footprint (and
# its difference between the two servers) does not leak into the per-key numbers; the
# absolute used_memory is printed too (the issue's DEBUG POPULATE goal is absolute).
# used_memory is each server's own INFO figure (what its allocator reports as allocated); RSS
# is /proc/<pid>/status VmRSS for both. Data goes in through `redis-cli --pipe` fed by RESP
# that python3 generates, so loading is fast and identical for both servers. Rejected:
# loading once and comparing with FLUSHALL in between (allocator caches and dict sizes from
# the previous dataset would stay in the figures).
#
# Servers: 127.0.0.1 on a free port, persistence off, stopped by PID on exit (trap); every
# wait bounded, every load under `timeout`.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VL_BIN=${VL_SERVER:-$ROOT/src/valkey-lite-server}
RD_BIN=${REDIS_SERVER:-/usr/bin/redis-server}
CLI=${REDIS_CLI:-redis-cli}
. "$(dirname "$0")/benchlib.sh" # stopPid, freePort, launchServer
CSV=
SCALE=1
KEEP=0
DATASETS="str16,str100,list,hash,channels"

usage() {
    sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --csv) [ $# -ge 2 ] || usage; CSV=$2; shift ;;
    --datasets) [ $# -ge 2 ] || usage; DATASETS=$2; shift ;;
    --scale) [ $# -ge 2 ] || usage; SCALE=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) usage ;;
    *) echo "membench.sh: unknown option $1" >&2; usage ;;
    esac
    shift
done

for b in "$VL_BIN" "$RD_BIN"; do
    [ -x "$b" ] || { echo "membench.sh: $b not found or not executable (run make first)" >&2; exit 1; }
done
for b in "$CLI" python3 timeout; do
    command -v "$b" >/dev/null 2>&1 || { echo "membench.sh: $b is needed" >&2; exit 1; }
done

STAMP=$(date +%Y%m%d-%H%M%S)
[ -n "$CSV" ] || CSV=/tmp/valkey-lite-membench-$STAMP.csv
WORK=$(mktemp -d /tmp/vlmembench.XXXXXX) || exit 1
cp "$VL_BIN" "$WORK/valkey-lite-server" || exit 1 # immune to a rebuild during the run
VL_BIN=$WORK/valkey-lite-server

SRV_PID=
SUB_PID=

cleanup() {
    trap - EXIT INT TERM
    stopPid "$SUB_PID"
    stopPid "$SRV_PID"
    if [ "$KEEP" = 1 ]; then echo "membench.sh: logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The RESP generator and the subscriber, in one small python program.
cat >"$WORK/gen.py" <<'EOF'
import socket, sys, time

def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

def emit(cmds):
    w = sys.stdout.buffer
    buf = []
    for c in cmds:
        buf.append(c)
        if len(buf) >= 4096:
            w.write(b"".join(buf))
            buf = []
    w.write(b"".join(buf))
    w.flush()

def gen(kind, n):
    if kind == "str16":  # the DEBUG POPULATE shape: key:N -> "value:N" padded to 16 bytes
        for i in range(n):
            yield resp("SET", "key:%d" % i, ("value:%d" % i).encode().ljust(16, b"\0")[:16])
    elif kind == "str100":
        for i in range(n):
            yield resp("SET", "key:%d" % i, ("v%d:" % i).ljust(100, "x"))
    elif kind == "list":
        for base in range(0, n, 1000):
            yield resp("RPUSH", "biglist", *["elem:%d" % j for j in range(base, min(n, base + 1000))])
    elif kind == "hash":
        for i in range(n):
            args = []
            for j in range(100):
                args += ["field:%d" % j, "value:%d" % j]
            yield resp("HSET", "hash:%d" % i, *args)

MARK = b"$9\r\nsubscribe\r\n"  # one per confirmed channel


def subscribe(port, n, ready):
    s = socket.create_connection(("127.0.0.1", port))
    deadline = time.time() + 300
    got = 0
    buf = b""
    for base in range(0, n, 1000):
        s.sendall(resp("SUBSCRIBE", *["chan:%d" % j for j in range(base, min(n, base + 1000))]))
        want = min(n, base + 1000)
        # Each channel is confirmed by one reply naming "subscribe"; count them.
        while got < want and time.time() < deadline:
            data = s.recv(1 << 20)
            if not data:
                sys.exit("subscriber: connection closed")
            buf += data
            k = buf.count(MARK)
            got += k
            if k:
                buf = buf[buf.rfind(MARK) + len(MARK):]
            buf = buf[-len(MARK):]  # a marker split across reads starts in this tail
            if b"-ERR" in data:
                sys.exit("subscriber: " + data.decode(errors="replace").split("\r\n")[0])
    if got < n:
        sys.exit("subscriber: only %d confirmations" % got)
    open(ready, "w").write("%d\n" % got)
    end = time.time() + 900  # held until killed; bounded anyway
    while time.time() < end:
        time.sleep(1)

if sys.argv[1] == "subscribe":
    subscribe(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
else:
    emit(gen(sys.argv[1], int(sys.argv[2])))
EOF

# startServer vl|rd: a fresh server on a free port; sets SRV_PID and PORT.
startServer() {
    PORT=$(freePort)
    if [ "$1" = vl ]; then bin=$VL_BIN; else bin=$RD_BIN; fi
    launchServer "$1" "$bin" "$PORT" || return 1
    SRV_PID=$LAUNCHED_PID
}

info() { # field -> value from INFO
    timeout 20 $CLI -p "$PORT" info "$2" 2>/dev/null | tr -d '\r' | sed -n "s/^$1://p" | head -1
}
rssBytes() {
    awk '/^VmRSS:/ {print $2 * 1024}' /proc/"$SRV_PID"/status 2>/dev/null
}

scaled() { python3 -c "import sys; print(max(1, int($1 * float(sys.argv[1]))))" "$SCALE"; }

printf 'dataset\tserver\telements\tstatus\tused_empty\tused_loaded\trss_empty\trss_loaded\tload_s\tallocator\tnote\n' \
    >"$WORK/raw.tsv"

# measure ds vl|rd: one fresh server, load, measure, stop; appends a record.
measure() {
    ds=$1 srv=$2 status=ok note=''
    case "$ds" in
    str16 | str100) count=$(scaled 1000000) ;;
    list) count=$(scaled 1000000) ;;
    hash) count=$(scaled 10000) ;;
    channels) count=$(scaled 100000) ;;
    *) echo "membench.sh: unknown dataset $ds" >&2; return 0 ;;
    esac
    if ! startServer "$srv"; then
        printf '%s\t%s\t%s\tfailed\t\t\t\t\t\t\tserver did not start\n' "$ds" "$srv" "$count" >>"$WORK/raw.tsv"
        stopPid "$SRV_PID"; SRV_PID=
        return 0
    fi
    alloc=$(info mem_allocator memory)
    u0=$(info used_memory memory) r0=$(rssBytes)
    t0=$(date +%s.%N)
    c="timeout 600 $CLI -p $PORT"
    case "$ds" in
    str16)
        out=$($c debug populate "$count" key 16 2>&1)
        if [ "$out" != OK ]; then
            # No DEBUG: the same keys and values through a pipe.
            note="DEBUG POPULATE: $(echo "$out" | head -1 | cut -c1-40); loaded by SET"
            out=$(python3 "$WORK/gen.py" str16 "$count" | $c --pipe 2>&1)
            echo "$out" | grep -q 'errors: 0,' || status=failed note="$note; $(echo "$out" | grep -m1 -i err | cut -c1-60)"
        fi ;;
    str100 | list | hash)
        out=$(python3 "$WORK/gen.py" "$ds" "$count" | $c --pipe 2>&1)
        echo "$out" | grep -q 'errors: 0,' || status=failed note=$(echo "$out" | grep -v '^All data\|^Last reply' | head -2 | tr '\n' ' ' | cut -c1-70) ;;
    channels)
        rm -f "$WORK/ready"
        python3 "$WORK/gen.py" subscribe "$PORT" "$count" "$WORK/ready" >"$WORK/sub.log" 2>&1 &
        SUB_PID=$!
        i=0
        while [ ! -s "$WORK/ready" ] && kill -0 "$SUB_PID" 2>/dev/null && [ $i -lt 3000 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        [ -s "$WORK/ready" ] || status=failed note=$(head -1 "$WORK/sub.log" | cut -c1-70) ;;
    esac
    t1=$(date +%s.%N)
    # Check the data is really there (a failed load must not pass as a small footprint).
    if [ "$status" = ok ]; then
        case "$ds" in
        str16 | str100 | hash) got=$($c dbsize 2>/dev/null) ;;
        list) got=$($c llen biglist 2>/dev/null) ;;
        channels) got=$(info pubsub_channels stats) ;;
        esac
        [ "$got" = "$count" ] || status=failed note="expected $count elements, found '$got'"
    fi
    u1=$(info used_memory memory) r1=$(rssBytes)
    load=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$t1")
    [ "$status" = ok ] || { u1='' r1=''; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ds" "$srv" "$count" "$status" \
        "$u0" "$u1" "$r0" "$r1" "$load" "$alloc" "$note" >>"$WORK/raw.tsv"
    stopPid "$SUB_PID"; SUB_PID=
    stopPid "$SRV_PID"; SRV_PID=
}

START=$(date +%s)
for ds in $(echo "$DATASETS" | tr ',' ' '); do
    printf 'membench.sh: %-8s ' "$ds"
    measure "$ds" vl
    printf 'valkey-lite '
    measure "$ds" rd
    printf 'redis  %ss\n' $(($(date +%s) - START))
done

python3 - "$WORK/raw.tsv" "$CSV" "$SCALE" <<'EOF'
import csv, sys
raw, out, scale = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
order = []
for r in csv.DictReader(open(raw), delimiter="\t"):
    if r["dataset"] not in rows:
        order.append(r["dataset"])
        rows[r["dataset"]] = {}
    rows[r["dataset"]][r["server"]] = r

def f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None

def per(r, a, b):
    if not r or r["status"] != "ok" or f(r[a]) is None or f(r[b]) is None:
        return None
    return (f(r[b]) - f(r[a])) / f(r["elements"])

def rat(a, b):
    return a / b if a is not None and b else None

def s(x, spec):
    return "-" if x is None else format(x, spec)

alloc = {k: next((rows[d][k]["allocator"] for d in order if k in rows[d]), "?") for k in ("vl", "rd")}
print("# valkey-lite allocator: %s; redis allocator: %s; scale %s" % (alloc["vl"], alloc["rd"], scale))
hdr = ("%-9s %9s | %14s %8s %6s | %13s %8s %6s | %14s %8s | %s"
       % ("dataset", "elements", "used B/elt vl", "redis", "vl/rd", "RSS B/elt vl", "redis",
          "vl/rd", "used MB vl", "redis", "load s vl/rd"))
print(hdr)
print("-" * len(hdr))
fields = ["dataset", "elements", "vl_status", "rd_status", "vl_used_per_elt", "rd_used_per_elt",
          "used_ratio", "vl_rss_per_elt", "rd_rss_per_elt", "rss_ratio", "vl_used_mb",
          "rd_used_mb", "vl_rss_mb", "rd_rss_mb", "vl_used_empty", "rd_used_empty",
          "vl_load_s", "rd_load_s", "note"]
w = csv.writer(open(out, "w", newline=""))
w.writerow(fields)
notes = []
for d in order:
    vl, rd = rows[d].get("vl"), rows[d].get("rd")
    vu, ru = per(vl, "used_empty", "used_loaded"), per(rd, "used_empty", "used_loaded")
    vr, rr = per(vl, "rss_empty", "rss_loaded"), per(rd, "rss_empty", "rss_loaded")
    mb = lambda r, k: f(r[k]) / 1048576 if r and r["status"] == "ok" and f(r[k]) is not None else None
    n = (vl or rd)["elements"]
    print("%-9s %9s | %14s %8s %6s | %13s %8s %6s | %14s %8s | %s/%s"
          % (d, n, s(vu, ".1f"), s(ru, ".1f"), s(rat(vu, ru), ".2f"), s(vr, ".1f"),
             s(rr, ".1f"), s(rat(vr, rr), ".2f"), s(mb(vl, "used_loaded"), ".1f"),
             s(mb(rd, "used_loaded"), ".1f"), vl and vl["load_s"] or "-", rd and rd["load_s"] or "-"))
    note = "; ".join("%s %s: %s" % (k, r["status"], r["note"]) for k, r in (("vl", vl), ("rd", rd))
                     if r and (r["status"] != "ok" or r["note"]))
    if note:
        notes.append("%s: %s" % (d, note))
    g = lambda x, spec=".1f": "" if x is None else format(x, spec)
    w.writerow([d, n, vl and vl["status"], rd and rd["status"], g(vu), g(ru), g(rat(vu, ru), ".3f"),
                g(vr), g(rr), g(rat(vr, rr), ".3f"), g(mb(vl, "used_loaded"), ".2f"),
                g(mb(rd, "used_loaded"), ".2f"), g(mb(vl, "rss_loaded"), ".2f"),
                g(mb(rd, "rss_loaded"), ".2f"), vl and vl["used_empty"], rd and rd["used_empty"],
                vl and vl["load_s"], rd and rd["load_s"], note])
print("B/elt: (loaded - empty server) / elements (keys; list elements; hashes; channels);"
      " used MB: absolute used_memory loaded.")
if notes:
    print("\nnotes:")
    for x in notes:
        print("  " + x)
EOF
echo "membench.sh: total $(($(date +%s) - START))s; CSV $CSV"
