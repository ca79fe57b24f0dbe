#!/bin/sh
# deps/check.sh: is everything valkey-lite needs to build and test installed?
# Silent with exit 0 when it is; otherwise prints "deps: missing: <list>" to stderr, exit 1.
# Checks only, installs nothing (deps/install.sh does that). See deps/README.md.

missing=""
add() { missing="${missing:+$missing }$1"; }
have() { command -v "$1" >/dev/null 2>&1; }

# Libraries, found the way the Makefile finds them: through pkg-config.
if have pkg-config; then
    for mod in libevent jemalloc hiredis; do
        pkg-config --exists "$mod" || add "$mod"
    done
else
    add "pkg-config libevent jemalloc hiredis"
fi

# The test harness wants Tcl 8.6 as "tclsh" (Debian: /usr/bin/tclsh from the "tcl" package).
if have tclsh; then
    v=$(echo 'puts [info tclversion]' | tclsh 2>/dev/null)
    [ "$v" = "8.6" ] || add "tclsh8.6(found:${v:-broken})"
else
    add tclsh
fi

# Real clients and the peer server, the toolchain, and make.
for cmd in redis-cli redis-benchmark redis-server cc ld objcopy ar make; do
    have "$cmd" || add "$cmd"
done

# Raw-protocol tests expect OpenBSD netcat (Debian's netcat-openbsd), not the traditional one.
if have nc; then
    nc -h 2>&1 </dev/null | grep -q OpenBSD || add "nc(netcat-openbsd)"
else
    add nc
fi

if [ -n "$missing" ]; then
    echo "deps: missing: $missing" >&2
    exit 1
fi
exit 0
