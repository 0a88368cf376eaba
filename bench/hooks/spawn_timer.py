#!/usr/bin/env python3
"""Times whole processes, interleaved: each round runs every command once, in an order that
rotates from round to round, each with its stdin from a file and its stdout and stderr to
/dev/null. Per run: wall time from posix_spawn to the end of wait4, and the child's minor and
major page faults (its rusage). Prints one JSON object: for each command, n, median, p99
(nearest rank), mean of the wall time in ms, and the median page faults; and each command's
median and p99 divided by the first command's (the baseline, e.g. /bin/true).

  spawn_timer.py --runs N --warmup W NAME STDIN_FILE -- ARGV... ;; NAME STDIN_FILE -- ARGV... ;; ...
"""
import json, math, os, sys, time

def parse(argv):
    runs, warmup, i = 200, 20, 0
    while i < len(argv) and argv[i].startswith('--'):
        if argv[i] == '--runs': runs = int(argv[i + 1])
        elif argv[i] == '--warmup': warmup = int(argv[i + 1])
        else: sys.exit(f'unknown option {argv[i]}')
        i += 2
    cmds, cur = [], []
    for a in argv[i:] + [';;']:
        if a == ';;':
            if cur:
                name, stdin, sep, *args = cur
                assert sep == '--', cur
                cmds.append((name, stdin, args))
            cur = []
        else:
            cur.append(a)
    return runs, warmup, cmds

def run_once(stdin, args):
    fin = os.open(stdin, os.O_RDONLY)
    null = os.open(os.devnull, os.O_WRONLY)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(args[0], args, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, fin, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                                       (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(fin); os.close(null)
    return (t1 - t0) / 1e6, ru.ru_minflt, ru.ru_majflt, os.waitstatus_to_exitcode(status)

def pct(xs, p):
    s = sorted(xs)
    return s[max(0, math.ceil(p * len(s)) - 1)]

def median(xs):
    s = sorted(xs); n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2

def main():
    runs, warmup, cmds = parse(sys.argv[1:])
    for _ in range(warmup):
        for _, stdin, args in cmds: run_once(stdin, args)
    res = {name: {'ms': [], 'minflt': [], 'majflt': [], 'rc': set()} for name, _, _ in cmds}
    for r in range(runs):
        for j in range(len(cmds)):
            name, stdin, args = cmds[(j + r) % len(cmds)]
            ms, mn, mj, rc = run_once(stdin, args)
            d = res[name]; d['ms'].append(ms); d['minflt'].append(mn); d['majflt'].append(mj); d['rc'].add(rc)
    base = cmds[0][0]
    out = {'runs': runs, 'warmup': warmup, 'baseline': base, 'commands': {}}
    for name, stdin, args in cmds:
        d = res[name]
        out['commands'][name] = {
            'argv': args, 'stdin': stdin, 'n': len(d['ms']), 'exit_codes': sorted(d['rc']),
            'median_ms': median(d['ms']), 'p99_ms': pct(d['ms'], 0.99), 'mean_ms': sum(d['ms']) / len(d['ms']),
            'min_ms': min(d['ms']), 'minor_faults_median': median(d['minflt']), 'major_faults_max': max(d['majflt']),
            'median_ratio': median(d['ms']) / median(res[base]['ms']), 'p99_ratio': pct(d['ms'], 0.99) / pct(res[base]['ms'], 0.99),
        }
    print(json.dumps(out, indent=1))

main()
