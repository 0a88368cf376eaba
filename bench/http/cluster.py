#!/usr/bin/env python3
"""Issue #17's numbers: what sharing state through Redis costs, and 1-3 instances behind nginx.

  python3 bench/http/cluster.py [--warden build/warden] [--duration 5] [--rounds 3] [--out DIR]

1. The same full-stack POST /v1/check (token, rate limit, validation, authorization, audit) on
   an instance with local stores and on one with --redis, interleaved (local, redis, local, ...),
   closed loop with wrk (1 thread, 8 connections); each instance on CPU 0, wrk on CPU 1.
   Per run: requests (wrk), the instance's CPU time (utime+stime from /proc, 10 ms ticks), Redis's
   CPU time, the instance's Redis round trips (`warden status` -> shared.round_trips) and Redis's
   commands (INFO commandstats). Reported: medians, and the ratio redis/local within each round.
2. 1, 2 and 3 instances (all --redis) behind nginx round robin, wrk -t2 -c32 --latency: req/s and
   p99 (two cores: this shows the overhead of more instances, not scaling).
Every command is written to summary.md in the output directory.
"""
import argparse, json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--warden", default="build/warden")
ap.add_argument("--duration", type=int, default=5)
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--out", default=None)
a = ap.parse_args()
warden = os.path.abspath(a.warden)
here = os.path.dirname(os.path.abspath(__file__))
out = a.out or os.path.join(here, "..", "results", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-cluster")
os.makedirs(out, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="warden-cluster-bench-")
procs = []
log = []
TICK = os.sysconf("SC_CLK_TCK")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def cpu_s(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK

def run(cmd, **kw):
    log.append(" ".join(cmd))
    return subprocess.run(cmd, capture_output=True, text=True, **kw)

def cleanup():
    for p in procs:
        try: p.send_signal(signal.SIGTERM); p.wait(5)
        except Exception: pass
    if os.path.exists(f"{tmp}/nginx.pid"):
        try: os.kill(int(open(f"{tmp}/nginx.pid").read()), signal.SIGTERM)
        except Exception: pass
    shutil.rmtree(tmp, ignore_errors=True)

rport = free_port()
redis = subprocess.Popen(["taskset", "-c", "1", "redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", tmp, "--loglevel", "warning"], stdout=subprocess.DEVNULL)
procs.append(redis)
log.append(f"taskset -c 1 redis-server --port {rport} --save '' --appendonly no")
for _ in range(200):
    try: socket.create_connection(("127.0.0.1", rport), 0.2).close(); break
    except OSError: time.sleep(0.02)
url = f"redis://127.0.0.1:{rport}"
key = os.urandom(32).hex()
policy = os.path.join(here, "policy.yaml")

def start(name, shared, cpus="0"):
    st = f"{tmp}/{name}"
    os.makedirs(st, mode=0o700, exist_ok=True)
    with open(f"{st}/token.key", "w") as f: f.write(key + "\n")
    os.chmod(f"{st}/token.key", 0o600)
    cmd = ["taskset", "-c", cpus, warden, "serve", "--socket", f"{st}/sock", "--state-dir", st, "--policy", policy,
           "--no-watch", "--http", "127.0.0.1:0", "--threads", "1", "--rate-limit", "default=100000000/min"]
    if shared: cmd += ["--redis", url, "--instance-id", name]
    log.append(" ".join(cmd))
    errf = open(f"{st}/log", "w")
    p = subprocess.Popen(cmd, stderr=errf, stdout=errf)
    procs.append(p)
    for _ in range(400):
        m = re.search(r"HTTP API on http://127.0.0.1:(\d+)", open(f"{st}/log").read())
        if m: break
        time.sleep(0.05)
    port = int(m.group(1))
    for _ in range(200):
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/readyz"], capture_output=True, text=True)
        if r.stdout == "200": break
        time.sleep(0.05)
    return {"name": name, "proc": p, "port": port, "state": st, "pid": p.pid}

def token(inst, shared):
    cmd = [warden, "token", "create", "--role", "service", "--state-dir", inst["state"]]
    if shared: cmd += ["--redis", url]
    return run(cmd).stdout.strip()

body = f"{tmp}/body.json"
with open(body, "w") as f: f.write('{"kind":"http","method":"GET","path":"/api/items/1","context":"service"}')

def wrk(port, tok, threads=1, conns=8, dur=None, cpus="1"):
    cmd = ["taskset", "-c", cpus, "wrk", f"-t{threads}", f"-c{conns}", f"-d{dur or a.duration}s", "-s", os.path.join(here, "wrk.lua"),
           f"http://127.0.0.1:{port}/v1/check", "--", "POST", body, f"Authorization: Bearer {tok}"]
    r = run(cmd)
    m = re.search(r"WRKJSON (\{.*\})", r.stdout)
    return json.loads(m.group(1))

def status(inst):
    r = subprocess.run([warden, "status", "--json", "--socket", f"{inst['state']}/sock"], capture_output=True, text=True)
    return json.loads(r.stdout)

def redis_calls():
    r = subprocess.run(["redis-cli", "-p", str(rport), "INFO", "commandstats"], capture_output=True, text=True).stdout
    return sum(int(m) for m in re.findall(r"calls=(\d+)", r))

try:
    local = start("local", False)
    shared = start("shared", True)
    tl, ts = token(local, False), token(shared, True)
    wrk(local["port"], tl, dur=1); wrk(shared["port"], ts, dur=1)  # warm up
    rows = []
    for rnd in range(a.rounds):
        for inst, tok, is_shared in ((local, tl, False), (shared, ts, True)):
            c0, r0 = cpu_s(inst["pid"]), cpu_s(redis.pid)
            rt0 = status(inst).get("shared", {}).get("round_trips", 0) if is_shared else 0
            k0 = redis_calls()
            w = wrk(inst["port"], tok)
            c1, r1 = cpu_s(inst["pid"]), cpu_s(redis.pid)
            rt1 = status(inst).get("shared", {}).get("round_trips", 0) if is_shared else 0
            k1 = redis_calls()
            n = w["requests"]
            rows.append({"round": rnd, "config": "redis" if is_shared else "local", "requests": n,
                         "rps": n / (w["duration_us"] / 1e6), "p99_us": w["latency_us"]["p99"],
                         "cpu_us_per_req": (c1 - c0) * 1e6 / n, "redis_cpu_us_per_req": (r1 - r0) * 1e6 / n,
                         "round_trips_per_req": (rt1 - rt0) / n, "redis_commands_per_req": (k1 - k0) / n,
                         "errors": sum(w["errors"].values())})
            print(json.dumps(rows[-1]), flush=True)
    for p in (local, shared):
        p["proc"].send_signal(signal.SIGTERM); p["proc"].wait(10)
    # 1, 2, 3 instances behind nginx
    scale = []
    insts = [start(f"web{i}", True, cpus="0,1") for i in range(1, 4)]
    tok = token(insts[0], True)
    for n in (1, 2, 3):
        nport = free_port()
        ups = "\n".join(f"server 127.0.0.1:{i['port']};" for i in insts[:n])
        conf = f"""worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/nginx.err warn; events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {tmp}/b; proxy_temp_path {tmp}/p; fastcgi_temp_path {tmp}/f; uwsgi_temp_path {tmp}/u; scgi_temp_path {tmp}/s;
 upstream w {{ {ups} keepalive 64; }}
 server {{ listen 127.0.0.1:{nport}; location / {{ proxy_pass http://w; proxy_http_version 1.1; proxy_set_header Connection ""; }} }} }}"""
        open(f"{tmp}/nginx.conf", "w").write(conf)
        run(["nginx", "-c", f"{tmp}/nginx.conf", "-e", f"{tmp}/nginx.err"])
        time.sleep(0.3)
        wrk(nport, tok, threads=2, conns=32, dur=1, cpus="0,1")
        r0 = cpu_s(redis.pid)
        w = wrk(nport, tok, threads=2, conns=32, cpus="0,1")
        r1 = cpu_s(redis.pid)
        scale.append({"instances": n, "rps": w["requests"] / (w["duration_us"] / 1e6), "p50_us": w["latency_us"]["p50"],
                      "p99_us": w["latency_us"]["p99"], "redis_cpu_us_per_req": (r1 - r0) * 1e6 / w["requests"],
                      "errors": sum(w["errors"].values())})
        print(json.dumps(scale[-1]), flush=True)
        os.kill(int(open(f"{tmp}/nginx.pid").read()), signal.SIGTERM)
        time.sleep(0.5)
    med = lambda cfg, k: statistics.median(r[k] for r in rows if r["config"] == cfg)
    ratios = [next(r for r in rows if r["round"] == i and r["config"] == "redis")["cpu_us_per_req"] /
              next(r for r in rows if r["round"] == i and r["config"] == "local")["cpu_us_per_req"] for i in range(a.rounds)]
    with open(f"{out}/summary.md", "w") as f:
        f.write("# Shared state through Redis: cost, and 1-3 instances behind nginx\n\n")
        f.write(f"`python3 bench/http/cluster.py --duration {a.duration} --rounds {a.rounds}` on {os.uname().nodename}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n")
        f.write("## Full-stack POST /v1/check, local stores vs --redis (interleaved; medians)\n\n")
        f.write("| config | req/s | p99 µs | CPU µs/request (instance) | Redis CPU µs/request | Redis round trips/request | Redis commands/request |\n|---|---|---|---|---|---|---|\n")
        for cfg in ("local", "redis"):
            f.write(f"| {cfg} | {med(cfg,'rps'):.0f} | {med(cfg,'p99_us'):.0f} | {med(cfg,'cpu_us_per_req'):.1f} | {med(cfg,'redis_cpu_us_per_req'):.2f} | {med(cfg,'round_trips_per_req'):.4f} | {med(cfg,'redis_commands_per_req'):.4f} |\n")
        f.write(f"\nCPU per request, redis ÷ local within each round: {', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f})\n\n")
        f.write("## 1, 2, 3 instances behind nginx (all --redis; wrk -t2 -c32; two cores shared by everything)\n\n| instances | req/s | p50 µs | p99 µs | Redis CPU µs/request | errors |\n|---|---|---|---|---|---|\n")
        for s in scale:
            f.write(f"| {s['instances']} | {s['rps']:.0f} | {s['p50_us']:.0f} | {s['p99_us']:.0f} | {s['redis_cpu_us_per_req']:.2f} | {s['errors']} |\n")
        f.write("\n## Commands\n\n```\n" + "\n".join(re.sub(r"wdn_[A-Za-z0-9_-]+", "$TOKEN", l) for l in log[:40]) + "\n```\n")
    json.dump({"rows": rows, "scale": scale, "ratios": ratios}, open(f"{out}/runs.json", "w"), indent=1)
    print(open(f"{out}/summary.md").read())
finally:
    cleanup()
