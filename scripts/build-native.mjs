#!/usr/bin/env node
// `node scripts/build-native.mjs` (run by `npm run prepare` before the TypeScript build): builds
// every optional native addon, native/<name>/binding.gyp, into native/<name>/build/Release/, with
// the node-gyp that ships with npm, against the installed Node's headers (npm's `nodedir`, else
// the headers next to this node: no download). It never fails the install: an addon that does not
// build is reported in one line and its JS path is used (src/media/native/load-native.ts).
// The full node-gyp output of each addon goes to native/<name>/build.log (ignored by git).
// OPENUM_NATIVE=0 skips the build altogether.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = join(ROOT, 'native');
const TIMEOUT_MS = 300_000;

/** node-gyp's CLI: npm tells its scripts where (npm_config_node_gyp), else npm's own copy next to node. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/** --nodedir when npm did not set one: the installed headers (<prefix>/include/node), so nothing is downloaded. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function build(name, gyp) {
  const dir = join(NATIVE, name);
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', ...nodedirArgs()], { cwd: dir, encoding: 'utf8', timeout: TIMEOUT_MS });
  writeFileSync(join(dir, 'build.log'), `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}\n` : ''}`);
  if (r.status === 0) return undefined;
  return r.error ? r.error.message : `node-gyp exited with ${r.status ?? r.signal}, see native/${name}/build.log`;
}

function main() {
  if (!existsSync(NATIVE)) return;
  const addons = readdirSync(NATIVE).filter((n) => existsSync(join(NATIVE, n, 'binding.gyp'))).sort();
  if (addons.length === 0) return;
  if (process.env.OPENUM_NATIVE === '0') {
    console.log(`native addons (${addons.join(', ')}): skipped (OPENUM_NATIVE=0); the JS path will be used`);
    return;
  }
  const gyp = nodeGyp();
  for (const name of addons) {
    let problem;
    try {
      problem = gyp ? build(name, gyp) : 'node-gyp not found (it ships with npm)';
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    console.log(problem ? `native/${name}: not built (${problem}); the JS path will be used` : `native/${name}: built`);
  }
}

try {
  main();
} catch (err) {
  console.log(`native addons: not built (${err instanceof Error ? err.message : String(err)}); the JS path will be used`);
}
process.exitCode = 0;
