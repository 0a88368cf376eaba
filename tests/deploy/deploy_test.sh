#!/usr/bin/env bash
# The files of deploy/ checked with what Debian has (there is no Kubernetes here, and no schema of
# its API in Debian): the nginx upstream with `nginx -t`; the systemd template unit with
# `systemd-analyze verify`; the Kubernetes manifests parsed, each kind's required fields present,
# every reference resolving, and every `warden serve` flag they pass known to `warden serve --help`.
# usage: deploy_test.sh path/to/warden
set -uo pipefail
WARDEN=$(realpath "${1:?usage: deploy_test.sh path/to/warden}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# ---- nginx ------------------------------------------------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
mkdir -p "$TMP/nginx"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s/listen 8180;/listen 127.0.0.1:$PORT;/" "$ROOT/deploy/nginx/warden-upstream.conf" >"$TMP/nginx/warden.conf"
cat >"$TMP/nginx/nginx.conf" <<EOF
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events {}
http {
  client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fcgi; uwsgi_temp_path $TMP/nginx/uwsgi; scgi_temp_path $TMP/nginx/scgi;
  access_log off;
  include $TMP/nginx/warden.conf;
}
EOF
if out=$("$NGINX" -t -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" 2>&1); then ok; else fail "nginx -t: $out"; fi

# ---- systemd ----------------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
  unit=$TMP/warden-serve@.service
  sed "s|/usr/bin/warden|$WARDEN|" "$ROOT/deploy/systemd/warden-serve@.service" >"$unit"
  cp "$unit" "$TMP/warden-serve@1.service"
  out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$TMP/warden-serve@1.service" 2>&1)
  # Only the unit's own problems count: a missing user or a machine without systemd running is not the unit's fault.
  bad=$(echo "$out" | grep -E "warden-serve@1.service" | grep -viE "User=|Group=|No such file or directory.*etc/warden|Failed to (connect|create)|bus" || true)
  if [ -z "$bad" ]; then ok; else fail "systemd-analyze verify: $bad"; fi
else
  echo "note: systemd-analyze missing: the unit is not verified"
fi
for f in serve.env serve-1.env; do
  if grep -vE '^(#|$)' "$ROOT/deploy/systemd/$f" | grep -qvE '^[A-Z_]+=.+$'; then fail "$f: not KEY=VALUE lines"; else ok; fi
done
# Every ${VAR} the unit uses comes from systemd or an env file.
for v in $(grep -o '\${[A-Z_]*}' "$ROOT/deploy/systemd/warden-serve@.service" | sort -u | tr -d '${}'); do
  case $v in STATE_DIRECTORY|RUNTIME_DIRECTORY) ok ;; *)
    if grep -q "^$v=" "$ROOT/deploy/systemd/serve.env" "$ROOT/deploy/systemd/serve-1.env"; then ok; else fail "the unit uses \${$v}, which no env file sets"; fi ;;
  esac
done

# ---- Kubernetes -------------------------------------------------------------------------------
"$WARDEN" serve --help >"$TMP/serve-help.txt" 2>&1
python3 - "$ROOT/deploy/kubernetes" "$TMP/serve-help.txt" "$WARDEN" <<'EOF'
import glob, os, re, subprocess, sys, yaml
root, helpfile, warden = sys.argv[1:4]
help_text = open(helpfile).read()
errors = []
docs = []
kust = yaml.safe_load(open(os.path.join(root, "kustomization.yaml")))
for f in kust["resources"]:
    path = os.path.join(root, f)
    if not os.path.exists(path):
        errors.append(f"kustomization names {f}, which is not there")
        continue
    for d in yaml.safe_load_all(open(path)):
        if d is not None:
            docs.append((f, d))
listed = set(kust["resources"])
for f in glob.glob(os.path.join(root, "*.yaml")):
    if os.path.basename(f) != "kustomization.yaml" and os.path.basename(f) not in listed:
        errors.append(f"{os.path.basename(f)} is not in kustomization.yaml")
required = {"Deployment": ("apps/v1", ["spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"]),
            "Service": ("v1", ["spec.selector", "spec.ports"]),
            "ConfigMap": ("v1", ["data"]),
            "Secret": ("v1", [])}
def get(d, dotted):
    for k in dotted.split("."):
        if not isinstance(d, dict) or k not in d: return None
        d = d[k]
    return d
by_kind = {}
for f, d in docs:
    kind = d.get("kind")
    if kind not in required:
        errors.append(f"{f}: unexpected kind {kind}"); continue
    api, fields = required[kind]
    if d.get("apiVersion") != api: errors.append(f"{f}: {kind} wants apiVersion {api}")
    name = get(d, "metadata.name")
    if not name or not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name): errors.append(f"{f}: {kind} needs a DNS-label metadata.name")
    for fld in fields:
        if get(d, fld) in (None, [], {}): errors.append(f"{f}: {kind} {name} lacks {fld}")
    by_kind.setdefault(kind, {})[name] = d
    if kind == "Secret" and not (d.get("data") or d.get("stringData")): errors.append(f"{f}: Secret {name} has no data")
for name, dep in by_kind.get("Deployment", {}).items():
    sel = get(dep, "spec.selector.matchLabels"); labels = get(dep, "spec.template.metadata.labels")
    if any(labels.get(k) != v for k, v in sel.items()): errors.append(f"Deployment {name}: selector does not match the pod labels")
    spec = get(dep, "spec.template.spec")
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    for v in vols.values():
        if "configMap" in v and v["configMap"]["name"] not in by_kind.get("ConfigMap", {}): errors.append(f"Deployment {name}: no ConfigMap {v['configMap']['name']}")
        if "secret" in v and v["secret"]["secretName"] not in by_kind.get("Secret", {}): errors.append(f"Deployment {name}: no Secret {v['secret']['secretName']}")
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        if not c.get("name") or not c.get("image"): errors.append(f"Deployment {name}: a container lacks name or image")
        ports = {p["name"] for p in c.get("ports", []) if "name" in p}
        for m in c.get("volumeMounts", []):
            if m["name"] not in vols: errors.append(f"Deployment {name}/{c['name']}: mounts unknown volume {m['name']}")
        for probe in ("readinessProbe", "livenessProbe"):
            port = get(c, probe + ".httpGet.port") or get(c, probe + ".tcpSocket.port")
            if isinstance(port, str) and port not in ports: errors.append(f"Deployment {name}/{c['name']}: {probe} uses unknown port {port}")
        args = c.get("args", [])
        if args[:1] == ["serve"]:
            for a in args[1:]:
                flag = a.split("=", 1)[0]
                if flag.startswith("--") and not re.search(re.escape(flag) + r"\b", help_text):
                    errors.append(f"Deployment {name}: warden serve has no flag {flag}")
            for a in args[1:]:
                if a.startswith("--redis="):
                    host = a.split("//", 1)[1].split(":")[0]
                    if host not in by_kind.get("Service", {}): errors.append(f"Deployment {name}: --redis names {host}, which is no Service here")
        c["_ports"] = ports
for name, svc in by_kind.get("Service", {}).items():
    sel = svc["spec"]["selector"]
    targets = [d for d in by_kind.get("Deployment", {}).values() if all(get(d, "spec.template.metadata.labels").get(k) == v for k, v in sel.items())]
    if not targets: errors.append(f"Service {name}: selects no Deployment")
    for p in svc["spec"]["ports"]:
        tp = p.get("targetPort")
        if isinstance(tp, str) and not any(tp in c["_ports"] for d in targets for c in get(d, "spec.template.spec.containers")):
            errors.append(f"Service {name}: targetPort {tp} is no container port")
# The policy in the ConfigMap is one Warden loads.
for name, cm in by_kind.get("ConfigMap", {}).items():
    for key, text in cm["data"].items():
        if key.endswith(".yaml"):
            p = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"deploy-test-{os.getpid()}-{key}")
            open(p, "w").write(text)
            r = subprocess.run([warden, "policy", "check", p], capture_output=True, text=True)
            if r.returncode != 0: errors.append(f"ConfigMap {name}/{key} does not load: {(r.stdout + r.stderr)[:300]}")
            os.unlink(p)
for e in errors: print("FAIL: " + e)
print(f"kubernetes: {len(docs)} objects, {len(errors)} problems")
sys.exit(1 if errors else 0)
EOF
if [ $? = 0 ]; then ok; else fail "the Kubernetes manifests (above)"; fi

echo "deploy_test: $checks checks, $failures failures"
[ "$failures" = 0 ]
