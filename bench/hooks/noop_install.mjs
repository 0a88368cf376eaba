// Turns a hook that `warden install AGENT --json` just wrote into a no-opinion hook: every string
// in the installed file equal to Warden's hook command is replaced by NOOP_COMMAND; for Codex the
// trust entry in config.toml is recomputed for the new command (the hash Codex computes, as
// src/clients/codex_trust.h describes it), after checking that the same computation reproduces
// the hash Warden wrote for its own command.
//   node noop_install.mjs INSTALL_JSON NOOP_COMMAND
// INSTALL_JSON is the JSON line `warden install --json` printed ({file, command, trust_file?}).
import fs from 'node:fs';
import crypto from 'node:crypto';

const [installJson, noop] = process.argv.slice(2);
const info = JSON.parse(installJson);
const settings = JSON.parse(fs.readFileSync(info.file, 'utf8'));
let replaced = 0;
const walk = (v) => {
  if (Array.isArray(v)) return v.map(walk);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  if (v === info.command) { replaced++; return noop; }
  return v;
};
const out = walk(settings);
if (replaced !== 1) { console.error(`noop_install: expected one hook command in ${info.file}, found ${replaced}`); process.exit(1); }
fs.writeFileSync(info.file, JSON.stringify(out));

if (info.trust_file) {  // Codex: {"event_name":"pre_tool_use","hooks":[{"async":false,"command":C,"timeout":T,"type":"command"}],"matcher":M}
  const group = settings.hooks.PreToolUse.find((g) => g.hooks.some((h) => h.command === info.command));
  const hook = group.hooks.find((h) => h.command === info.command);
  const hash = (command) => 'sha256:' + crypto.createHash('sha256').update(JSON.stringify({
    event_name: 'pre_tool_use',
    hooks: [{ async: false, command, timeout: hook.timeout ?? 600, type: 'command' }],
    matcher: group.matcher,
  })).digest('hex');
  let toml = fs.readFileSync(info.trust_file, 'utf8');
  if (!toml.includes(`trusted_hash = "${hash(info.command)}"`)) {
    console.error('noop_install: the recomputed hash of Warden\'s hook is not the one warden install wrote; Codex would skip the no-op hook');
    process.exit(1);
  }
  toml = toml.replace(`trusted_hash = "${hash(info.command)}"`, `trusted_hash = "${hash(noop)}"`);
  fs.writeFileSync(info.trust_file, toml);
}
