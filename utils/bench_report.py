#!/usr/bin/env python3
"""bench_report.py - turn bench.sh's raw per-run records into the comparison table and a CSV.

    python3 utils/bench_report.py --raw RUNS.raw.tsv [--csv OUT.csv] [--meta TEXT]...

Input: one TSV line per redis-benchmark run (server vl|rd, round, P, test, n, status, rps,
server CPU ns from schedstat, server CPU clock ticks from /proc/<pid>/stat utime+stime,
client CPU ticks, note). Output: per (test, P), the median over rounds of each figure, the
spread of the throughput (max-min over median), and the valkey-lite/redis ratios.

The one decision: every per-request figure is computed per run and then the median taken
over rounds (not total CPU over total requests), so one disturbed run moves the result by at
most one rank. Rejected: means (a single noisy run on this shared VM shifts them), and
aggregating CPU across tests (tests of very different cost would weight each other).
Standard library only.
"""
import argparse
import csv
import math
import os
import statistics
import sys


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(a, b):
    return a / b if a is not None and b else None


def load(path, clk_tck):
    """Rows keyed by (test, P) -> {'vl': [runs], 'rd': [runs]}, plus test order."""
    groups, order = {}, []
    with open(path, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = (r["test"], int(r["P"]))
            if key not in groups:
                groups[key] = {"vl": [], "rd": []}
                order.append(key)
            n, rps = num(r["n"]), num(r["rps"])
            run = {"status": r["status"], "note": r.get("note") or "", "rps": rps, "n": n}
            if r["status"] == "ok" and rps and n:
                wall = n / rps
                ns = num(r["srv_ns"])
                ticks = num(r["srv_ticks"])
                cticks = num(r["cli_ticks"])
                run["srv_ns_req"] = ns / n if ns is not None else None
                run["srv_tick_ns_req"] = ticks * 1e9 / clk_tck / n if ticks is not None else None
                run["srv_util"] = ns / 1e9 / wall if ns is not None else None
                if cticks is not None:
                    run["cli_ns_req"] = cticks * 1e9 / clk_tck / n
                    run["cli_util"] = cticks / clk_tck / wall
            groups[key][r["server"]].append(run)
    first = {k: i for i, k in enumerate(order)}
    order.sort(key=lambda k: (k[1], first[k]))
    return groups, order


def summarise(runs):
    ok = [r for r in runs if r["status"] == "ok"]
    rps = [r["rps"] for r in ok]
    s = {"ok": len(ok), "runs": len(runs)}
    s["rps"] = med(rps)
    s["min"] = min(rps) if rps else None
    s["max"] = max(rps) if rps else None
    s["spread"] = (s["max"] - s["min"]) / s["rps"] * 100 if rps and s["rps"] else None
    for f in ("srv_ns_req", "srv_tick_ns_req", "srv_util", "cli_ns_req", "cli_util"):
        s[f] = med([r.get(f) for r in ok])
    s["n"] = runs[0]["n"] if runs else None
    bad = [r for r in runs if r["status"] != "ok"]
    s["status"] = "ok" if not bad else ("missing" if not ok else "partial")
    s["note"] = "; ".join(sorted({f'{r["status"]}: {r["note"]}'.strip(": ") for r in bad}))
    return s


def fmt(x, spec, none="-"):
    return none if x is None else format(x, spec)


def limiter(v):
    """Which side a run is bound by: a process near a full core is the bottleneck."""
    if v["srv_util"] is None:
        return ""
    su, cu = v["srv_util"], v["cli_util"] or 0
    if su >= 0.9 and su >= cu:
        return "srv"
    if cu >= 0.9:
        return "cli"
    return "io"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--csv")
    ap.add_argument("--meta", action="append", default=[])
    ap.add_argument("--clk-tck", type=float, default=float(os.sysconf("SC_CLK_TCK")))
    a = ap.parse_args()

    groups, order = load(a.raw, a.clk_tck)
    rows = []
    for key in order:
        vl, rd = summarise(groups[key]["vl"]), summarise(groups[key]["rd"])
        rows.append((key, vl, rd))

    for m in a.meta:
        print("# " + m)
    hdr = (f'{"test":<11} {"P":>2} {"vl rps":>9} {"redis rps":>9} {"vl/rd":>6} '
           f'{"spread vl/rd %":>14} | {"srv ns/req vl":>13} {"redis":>6} {"vl/rd":>6} '
           f'| {"srv core% vl":>12} {"rd":>4} | {"cli core% vl":>12} {"rd":>4} | lim vl/rd')
    print(hdr)
    print("-" * len(hdr))
    notes = []
    geo = {}
    last_p = None
    for (test, p), vl, rd in rows:
        if last_p is not None and p != last_p:
            print()
        last_p = p
        rr = ratio(vl["rps"], rd["rps"])
        cr = ratio(vl["srv_ns_req"], rd["srv_ns_req"])
        if rr and cr:
            g = geo.setdefault(p, [[], []])
            g[0].append(math.log(rr))
            g[1].append(math.log(cr))
        spread = f'{fmt(vl["spread"], ".0f")}/{fmt(rd["spread"], ".0f")}'
        flag = "" if vl["status"] == rd["status"] == "ok" else " !"
        print(f'{test:<11} {p:>2} {fmt(vl["rps"], ".0f"):>9} {fmt(rd["rps"], ".0f"):>9} '
              f'{fmt(rr, ".2f"):>6} {spread:>14} | {fmt(vl["srv_ns_req"], ".0f"):>13} '
              f'{fmt(rd["srv_ns_req"], ".0f"):>6} {fmt(cr, ".2f"):>6} '
              f'| {fmt(vl["srv_util"] and vl["srv_util"] * 100, ".0f"):>12} '
              f'{fmt(rd["srv_util"] and rd["srv_util"] * 100, ".0f"):>4} '
              f'| {fmt(vl["cli_util"] and vl["cli_util"] * 100, ".0f"):>12} '
              f'{fmt(rd["cli_util"] and rd["cli_util"] * 100, ".0f"):>4} '
              f'| {limiter(vl) if vl["rps"] else "-"}/{limiter(rd) if rd["rps"] else "-"}{flag}')
        for name, s in (("valkey-lite", vl), ("redis", rd)):
            if s["status"] != "ok":
                notes.append(f'{test} -P {p} {name}: {s["status"]} '
                             f'({s["ok"]}/{s["runs"]} runs ok) {s["note"]}')
    print()
    for p in sorted(geo):
        g = geo[p]
        print(f'geomean over {len(g[0])} tests at -P {p}: throughput vl/rd '
              f'{math.exp(sum(g[0]) / len(g[0])):.2f}, server CPU/request vl/rd '
              f'{math.exp(sum(g[1]) / len(g[1])):.2f}')
    # The issue's definition: utime+stime of the server across the run over its requests,
    # over the tests both servers completed (each test weighted by its requests), leaving out
    # the lrange tests, whose 10-60x cost per request would dominate the sum.
    for p in sorted({k[1] for k in order}):
        tot = {"vl": [0.0, 0.0], "rd": [0.0, 0.0]}
        for key in order:
            if key[1] != p or key[0].startswith("lrange"):
                continue
            g = groups[key]
            if not any(r["status"] == "ok" for r in g["vl"]) or \
                    not any(r["status"] == "ok" for r in g["rd"]):
                continue
            for srv in ("vl", "rd"):
                for r in g[srv]:
                    if r["status"] == "ok" and r.get("srv_tick_ns_req") is not None:
                        tot[srv][0] += r["srv_tick_ns_req"] * r["n"]
                        tot[srv][1] += r["n"]
        if tot["vl"][1] and tot["rd"][1]:
            v, d = tot["vl"][0] / tot["vl"][1], tot["rd"][0] / tot["rd"][1]
            print(f'server utime+stime, all tests but lrange, at -P {p}: vl {v:.0f} ns/req, '
                  f'redis {d:.0f} ns/req, vl/rd {v / d:.2f}')
    print("rps: median over rounds; spread: (max-min)/median of rps; srv ns/req: server CPU"
          " (schedstat, all threads) per request;\ncore%: CPU/wall of the server and of"
          " redis-benchmark; lim: srv|cli = that process near a full core, io = neither.")
    if notes:
        print("\nnot measured / incomplete:")
        for n in notes:
            print("  " + n)

    if a.csv:
        fields = ["test", "P", "n", "vl_status", "rd_status", "vl_runs_ok", "rd_runs_ok",
                  "vl_rps_median", "vl_rps_min", "vl_rps_max", "vl_spread_pct",
                  "rd_rps_median", "rd_rps_min", "rd_rps_max", "rd_spread_pct", "rps_ratio",
                  "vl_srv_cpu_ns_per_req", "rd_srv_cpu_ns_per_req", "srv_cpu_ratio",
                  "vl_srv_cpu_ns_per_req_ticks", "rd_srv_cpu_ns_per_req_ticks",
                  "vl_srv_core_util", "rd_srv_core_util",
                  "vl_cli_cpu_ns_per_req", "rd_cli_cpu_ns_per_req",
                  "vl_cli_core_util", "rd_cli_core_util", "note"]
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(fields)
            for (test, p), vl, rd in rows:
                def g(x, spec=".1f"):
                    return "" if x is None else format(x, spec)
                note = "; ".join(x for x in (vl["note"] and "vl " + vl["note"],
                                             rd["note"] and "rd " + rd["note"]) if x)
                w.writerow([test, p, g(vl["n"], ".0f"), vl["status"], rd["status"],
                            vl["ok"], rd["ok"],
                            g(vl["rps"]), g(vl["min"]), g(vl["max"]), g(vl["spread"]),
                            g(rd["rps"]), g(rd["min"]), g(rd["max"]), g(rd["spread"]),
                            g(ratio(vl["rps"], rd["rps"]), ".3f"),
                            g(vl["srv_ns_req"]), g(rd["srv_ns_req"]),
                            g(ratio(vl["srv_ns_req"], rd["srv_ns_req"]), ".3f"),
                            g(vl["srv_tick_ns_req"]), g(rd["srv_tick_ns_req"]),
                            g(vl["srv_util"], ".3f"), g(rd["srv_util"], ".3f"),
                            g(vl["cli_ns_req"]), g(rd["cli_ns_req"]),
                            g(vl["cli_util"], ".3f"), g(rd["cli_util"], ".3f"), note])
    return 0


if __name__ == "__main__":
    sys.exit(main())
