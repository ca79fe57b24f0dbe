#!/usr/bin/env bash
# test-valkey.sh - runs Valkey's own test files, unchanged, through Valkey's harness against our
# binary (the workplace's valkey-suite tool) and prints one table row per file: ok / failed /
# where it stopped. `make test-valkey VALKEY_SRC=...` calls it; CI does not (no Valkey tree).
#
#   utils/test-valkey.sh BIN VALKEY_SRC [FILE...]
#
# Tests that need a feature a later issue brings are skipped by name, with the reason, from
# utils/valkey-skips.tsv (tab-separated: file, test name or /regexp, reason); the table counts
# them.
# Env: VALKEY_SUITE (the tool), FILE_S (per-file timeout, 900), LOGDIR (keeps each file's log),
# BASEPORT (first port of the harness's range, 21111).
set -u
BIN=${1:?usage: test-valkey.sh BIN VALKEY_SRC [FILE...]}
SRC=${2:?usage: test-valkey.sh BIN VALKEY_SRC [FILE...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
SUITE=${VALKEY_SUITE:-$here/../../shared/tools/valkey-suite}
FILE_S=${FILE_S:-900}
SKIPS=$here/valkey-skips.tsv
[ -x "$SUITE" ] || { echo "valkey-suite not found at $SUITE (set VALKEY_SUITE)" >&2; exit 2; }
[ -d "$SRC/tests" ] || { echo "$SRC is not a Valkey source tree" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
FILES=("$@")
if [ ${#FILES[@]} -eq 0 ]; then
    FILES=(unit/type/string unit/type/incr unit/type/list unit/type/list-2 unit/type/list-3
        unit/type/hash unit/type/set unit/expire unit/keyspace unit/scan unit/pubsub
        unit/pubsubshard unit/protocol unit/querybuf unit/info unit/info-command
        unit/introspection unit/introspection-2 unit/latency-monitor unit/lazyfree
        unit/maxmemory unit/slowlog unit/obuf-limits unit/limits unit/quit unit/multi
        unit/other unit/networking unit/pause unit/replybufsize unit/shutdown unit/violations)
fi
LOGDIR=${LOGDIR:-$(mktemp -d)}
mkdir -p "$LOGDIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '| %-22s | %4s | %4s | %4s | %-50s |\n' file ok err skip "result"
printf '|%s|%s|%s|%s|%s|\n' "------------------------" ------ ------ ------ \
    "------------------------------------------------------------"
all_ok=0 all_err=0 bad=0
for f in "${FILES[@]}"; do
    args=()
    nskip=0
    if [ -f "$SKIPS" ]; then
        while IFS=$'\t' read -r sf name _; do
            [ "$sf" = "$f" ] || continue
            args+=(--skiptest "$name")
            nskip=$((nskip + 1))
        done < <(grep -v '^#' "$SKIPS")
    fi
    log=$LOGDIR/$(echo "$f" | tr / _).log
    (cd "$work" && timeout "$FILE_S" "$SUITE" --allow-no-defrag "$BIN" "$SRC" --single "$f" \
        --clients 1 --tags "-needs:repl -cluster" --baseport "${BASEPORT:-21111}" "${args[@]}") \
        >"$log" 2>&1
    rc=$?
    clean=$(tr -d '\000' <"$log" | sed 's/\x1b\[[0-9;]*m//g')
    ok=$(grep -c '^\[ok\]' <<<"$clean")
    err=$(grep -c '^\[err\]' <<<"$clean")
    stop=$(grep -m1 -E '^\[exception\]|FATAL CONFIG|rejects default.conf' <<<"$clean" | cut -c1-50)
    if [ "$rc" = 124 ]; then
        stop="hung after: $(grep -E '^\[(ok|err)\]' <<<"$clean" | tail -1 | cut -c7-40)"
    elif grep -q '^\[exception\]' <<<"$clean"; then
        stop="stopped: $(grep -A1 -m1 '^\[exception\]' <<<"$clean" | tail -1 | cut -c1-40)"
    elif [ -n "$stop" ]; then # a server block that could not start: its config was refused
        stop="config refused: $(grep -m1 "^>>> '" <<<"$clean" | cut -c5-40)"
    fi
    pct=$(((ok + err) > 0 ? 100 * ok / (ok + err) : 0))
    if [ -z "$stop" ] && [ "$pct" -ge 95 ]; then res="ok ($pct%)"; else res="${stop:-$pct% passed}"; bad=$((bad + 1)); fi
    printf '| %-22s | %4d | %4d | %4d | %-50s |\n' "$f" "$ok" "$err" "$nskip" "$res"
    all_ok=$((all_ok + ok)); all_err=$((all_err + err))
done
echo
echo "${#FILES[@]} files, $((${#FILES[@]} - bad)) ok; $all_ok tests passed, $all_err failed; logs in $LOGDIR"
[ "$bad" = 0 ]
