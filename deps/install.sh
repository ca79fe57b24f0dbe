#!/bin/sh
# deps/install.sh [extra packages...]: install the Debian packages valkey-lite needs (only
# those missing), plus the extra ones named,
# make sure a freshly installed redis-server package does not leave a system redis
# running, then run deps/check.sh and exit with its status. See deps/README.md.

set -u

PKGS="libevent-dev libjemalloc-dev libhiredis-dev tcl8.6 tcl redis-tools redis-server"
PKGS="$PKGS pkg-config netcat-openbsd binutils gcc make gnuplot-nox"
# Arguments add packages for optional work (CI: clang for the fuzzers, clang-format for the
# format check, iproute2 for the tests that make network namespaces).
PKGS="$PKGS $*"

here=$(cd "$(dirname "$0")" && pwd)
SUDO=""
tmp=""
trap 'rm -f "$tmp"' EXIT

say() { echo "deps: $*"; }
warn() { echo "deps: warning: $*" >&2; }
die() { echo "deps: error: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
# Non-interactive, no stdin; wait up to 5 minutes for a dpkg lock held by e.g. unattended-upgrades.
apt_get() {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" </dev/null
}
# PIDs of redis-server processes owned by the "redis" user (the Debian service account).
redis_pids() { pgrep -x -u redis redis-server 2>/dev/null | tr '\n' ' '; }

# The Debian package installs a redis-server service and its postinst tries to start it
# (on port 6379). We want the binary only, as a benchmark peer: stop what the package
# started and keep it from starting at boot. Only through the init system, never by kill,
# and only processes that were not there before we installed the package.
quiet_redis_service() {
    before=$1
    if have systemctl && [ -d /run/systemd/system ]; then
        if systemctl is-active --quiet redis-server 2>/dev/null; then
            say "stopping the redis-server service started by the package"
            $SUDO systemctl stop redis-server || warn "systemctl stop redis-server failed"
        fi
        if systemctl is-enabled --quiet redis-server 2>/dev/null; then
            say "disabling the redis-server service"
            $SUDO systemctl disable --quiet redis-server ||
                warn "systemctl disable redis-server failed"
        fi
    else
        started=""
        for pid in $(redis_pids); do
            case " $before " in *" $pid "*) ;; *) started="$started $pid" ;; esac
        done
        if [ -n "$started" ]; then
            say "stopping the redis-server service started by the package (pid$started)"
            if have service; then
                $SUDO service redis-server stop || warn "service redis-server stop failed"
            elif [ -x /etc/init.d/redis-server ]; then
                $SUDO /etc/init.d/redis-server stop || warn "/etc/init.d/redis-server stop failed"
            else
                warn "no init script to stop redis-server with"
            fi
        fi
        if [ -e /etc/init.d/redis-server ] && have update-rc.d; then
            $SUDO update-rc.d redis-server disable >/dev/null 2>&1 &&
                say "disabled the redis-server service at boot"
        fi
    fi
    for pid in $(redis_pids); do
        case " $before " in
        *" $pid "*) ;;
        *) warn "a redis-server (pid $pid) started by the package is still running on the" \
                "system; stop it through its init system" ;;
        esac
    done
}

if ! have apt-get || ! have dpkg-query; then
    die "apt-get/dpkg-query not found: this is not a Debian-based system." \
        "Install the equivalents of: $PKGS (see deps/README.md)"
fi

todo=""
for p in $PKGS; do
    installed "$p" || todo="${todo:+$todo }$p"
done

if [ -z "$todo" ]; then
    say "all packages already installed"
else
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif have sudo && sudo -n true 2>/dev/null; then
        SUDO="sudo"
    else
        die "installing packages needs root: run as root (or with passwordless sudo):" \
            "sudo sh deps/install.sh    (missing: $todo)"
    fi

    redis_new=no
    installed redis-server || redis_new=yes
    redis_before=$(redis_pids)

    say "installing: $todo"
    tmp=$(mktemp) || die "mktemp failed"
    apt_get update >"$tmp" 2>&1
    rc=$?
    cat "$tmp"
    [ "$rc" -eq 0 ] ||
        die "apt-get update failed (exit $rc): cannot reach the package archive;" \
            "check the network and /etc/apt/sources.list"
    unreachable=no
    if grep -q -E '^(W|E): (Failed to fetch|Some index files failed)' "$tmp"; then
        unreachable=yes
        warn "apt-get update could not reach part of the package archive; trying anyway"
    fi

    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! apt_get install -y --no-install-recommends $todo; then
        if [ "$unreachable" = yes ]; then
            die "apt-get install failed: the package archive could not be reached" \
                "(see apt-get update above)"
        fi
        die "apt-get install failed for: $todo"
    fi

    if [ "$redis_new" = yes ]; then
        quiet_redis_service "$redis_before"
    fi
fi

if ! sh "$here/check.sh"; then
    echo "deps: packages are installed but deps/check.sh still fails; see deps/README.md" >&2
    exit 1
fi
exit 0
