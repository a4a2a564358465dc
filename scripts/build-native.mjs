#!/usr/bin/env node
// `node scripts/build-native.mjs`: builds every native/<dir>/binding.gyp with the node-gyp that
// ships with npm, against the installed Node headers (npm's nodedir, as better-sqlite3 is built).
// Every addon is optional and has a JavaScript twin (src/media/native/load.ts), so a build that
// fails (no compiler, no libsrtp2-dev, ...) is reported and skipped: this script always exits 0.
// Minimal version (h-srtp); the lead reconciles it with the generic one if both exist.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = join(ROOT, 'native');

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

function nodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  try {
    const dir = execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', timeout: 30_000 }).trim();
    return dir && dir !== 'undefined' && dir !== 'null' ? dir : undefined;
  } catch {
    return undefined;
  }
}

const dirs = existsSync(NATIVE) ? readdirSync(NATIVE).filter((d) => existsSync(join(NATIVE, d, 'binding.gyp'))).sort() : [];
const gyp = nodeGyp();
if (!gyp) {
  console.log(`build-native: node-gyp not found next to npm; ${dirs.length} addon(s) left unbuilt, JavaScript paths in use`);
  process.exit(0);
}
const headers = nodedir();
for (const dir of dirs) {
  const args = [gyp, 'rebuild', ...(headers ? [`--nodedir=${headers}`] : [])];
  const r = spawnSync(process.execPath, args, { cwd: join(NATIVE, dir), encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) console.log(`build-native: native/${dir} built`);
  else {
    const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter((l) => /error|not found|No package/i.test(l)).slice(-3);
    console.log(`build-native: native/${dir} NOT built (JavaScript path in use): ${why.join(' | ') || r.error?.message || `exit ${r.status}`}`);
  }
}
