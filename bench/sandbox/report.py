#!/usr/bin/env python3
"""Tables for bench/sandbox/run.sh from hyperfine's --export-json files.

  report.py spawn FILE.json      median, p99, mean of each command; time added over the first
                                 command (/bin/true) and over `warden exec`; issue #16's ratios
  report.py build FILE.json      make -j2 outside vs inside: median, mean, user+sys, % slower
  report.py strace A.txt B.txt…  totals of `strace -c -f -o` files, and the syscalls that only
                                 some of them make

Percentiles come from hyperfine's `times` (one wall time per run), nearest-rank p99.
"""
import json
import math
import re
import statistics
import sys


def pct(xs, p):
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def ms(x):
    return f"{x * 1e3:.2f}"


def load(path):
    with open(path) as f:
        return json.load(f)["results"]


def spawn(path):
    res = load(path)
    rows = {}
    for r in res:
        t = r["times"]
        rows[r["command"]] = dict(median=statistics.median(t), p99=pct(t, 99), mean=statistics.mean(t),
                                  sd=statistics.pstdev(t), n=len(t))
    base = rows[res[0]["command"]]
    exec_row = rows.get("warden exec")
    print("| command | runs | median ms | p99 ms | mean ± sd ms | added over /bin/true, median ms | added over `warden exec`, median ms |")
    print("|---|---|---|---|---|---|---|")
    for name, x in rows.items():
        added = x["median"] - base["median"]
        over_exec = "" if exec_row is None or not name.startswith("warden") else \
            f"{(x['median'] - exec_row['median']) * 1e3:+.3f}"
        print(f"| `{name}` | {x['n']} | {ms(x['median'])} | {ms(x['p99'])} | {ms(x['mean'])} ± {ms(x['sd'])} | "
              f"{added * 1e3:+.3f} | {over_exec} |")
    print()
    # issue #16: the sandbox's own cost is what `warden exec --sandbox` adds to `warden exec`.
    if exec_row and "warden exec --sandbox" in rows:
        w = rows["warden exec --sandbox"]["median"] - exec_row["median"]
        ws = rows.get("warden sandbox")
        print(f"- sandbox cost, `warden exec --sandbox` − `warden exec` (median): **{w * 1e3:.3f} ms** (target ≤ 0.3 ms: "
              f"{'met' if w <= 0.3e-3 else 'NOT met'})")
        for peer in ("bwrap", "srt"):
            if peer not in rows:
                continue
            p = rows[peer]["median"] - base["median"]
            print(f"- {peer} added over /bin/true (median): {p * 1e3:.3f} ms; "
                  f"Warden's sandbox cost / {peer}'s: {w / p:.3f} ({p / w:.1f}× less)" if w > 0 else
                  f"- {peer} added over /bin/true (median): {p * 1e3:.3f} ms; Warden's sandbox cost ≤ 0")
        if ws is not None:
            a = ws["median"] - base["median"]
            print(f"- `warden sandbox` (no analyzer) added over /bin/true (median): {a * 1e3:.3f} ms")
            for peer in ("bwrap", "srt"):
                if peer in rows:
                    p = rows[peer]["median"] - base["median"]
                    print(f"  - vs {peer}'s added time: {a / p:.3f} ({p / a:.1f}× less)")
        if "bwrap" in rows:
            b = rows["bwrap"]["median"] - base["median"]
            print(f"- target Warden's added ≤ bwrap's: {'met' if w <= b else 'NOT met'}")
        if "srt" in rows:
            s = rows["srt"]["median"] - base["median"]
            print(f"- target Warden's added ≥ 10× below srt's: {'met' if w * 10 <= s else 'NOT met'} ({s / w:.0f}×)"
                  if w > 0 else "- target ≥ 10× below srt's: met")


def build(path):
    res = load(path)
    print("| build | runs | median s | mean ± sd s | user + sys s (mean) |")
    print("|---|---|---|---|---|")
    rows = []
    for r in res:
        t = r["times"]
        med, cpu = statistics.median(t), r["user"] + r["system"]
        rows.append((r["command"], med, r["mean"], cpu))
        print(f"| `{r['command']}` | {len(t)} | {med:.3f} | {r['mean']:.3f} ± {r['stddev']:.3f} | {cpu:.3f} |")
    print()
    # The baseline: the outside build(s); with two (first and last), their average, and the
    # difference between them says how much the host drifted during the run.
    outs = [x for x in rows if "(outside" in x[0]] or rows[:1]
    base = [statistics.mean(x[i] for x in outs) for i in (1, 2, 3)]
    if len(outs) > 1:
        print(f"- drift: the outside builds' medians differ by {100 * (outs[-1][1] / outs[0][1] - 1):+.2f} % "
              f"(last vs first); the baseline below is their average")
    for name, med, mean, cpu in (x for x in rows if x not in outs):
        print(f"- `{name}` vs outside: median {100 * (med / base[0] - 1):+.2f} %, mean {100 * (mean / base[1] - 1):+.2f} %, "
              f"user+sys {100 * (cpu / base[2] - 1):+.2f} % (target ≤ 2 % slower, by the median: "
              f"{'met' if med <= base[0] * 1.02 else 'NOT met'})")


def strace(paths):
    tables = {}
    for p in paths:
        calls = {}
        total = None
        for line in open(p):
            f = line.split()
            if len(f) >= 5 and re.match(r"^[\d.]+$", f[0]) and f[-1] != "total":
                name = f[-1]
                n = int(f[3])
                calls[name] = n
            elif f and f[-1] == "total":
                total = (int(f[3]), int(f[4]) if len(f) == 6 else 0)
        tables[p] = (calls, total)
    names = [p.rsplit("/", 1)[-1].removeprefix("strace-").removesuffix(".txt") for p in paths]
    print("| process tree | syscalls | of which failed |")
    print("|---|---|---|")
    for p, n in zip(paths, names):
        calls, total = tables[p]
        print(f"| {n} | {total[0] if total else '?'} | {total[1] if total else '?'} |")
    print()
    if len(paths) >= 2:
        a, b = tables[paths[0]][0], tables[paths[1]][0]
        diff = {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}
        diff = {k: v for k, v in sorted(diff.items()) if v}
        print(f"- {names[1]} − {names[0]}, per syscall: " +
              ", ".join(f"{k} {v:+d}" for k, v in diff.items()))


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"spawn": lambda: spawn(args[0]), "build": lambda: build(args[0]), "strace": lambda: strace(args)}[mode]()
