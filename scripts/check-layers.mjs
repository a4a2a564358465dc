// Checks that imports inside src/ point down the layer stack (docs/ARCHITECTURE in ../shared):
// cli/web → services → apps → sip/media; services → pki → org → store. A layer may import
// itself, the layers listed for it, and src/*.ts shared modules (errors, util). Inside services/,
// no SIP role imports another (call-router, um-service, worker): what they share lives in
// services/routing/ and services/sip/, which import no role.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');
const ALLOWED = {
  store: [],
  org: ['store'],
  pki: ['org', 'store'],
  sip: [],
  media: [],
  apps: ['sip', 'media'],
  services: ['apps', 'sip', 'media', 'pki', 'org', 'store'],
  web: ['services', 'apps', 'pki', 'org', 'store'],
  cli: ['web', 'services', 'pki', 'org', 'store'],
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const ROLES = ['call-router', 'um-service', 'worker'];
const SHARED_BY_ROLES = ['routing', 'sip'];

/** services/<dir>/… → <dir>; anything else → null. */
const servicesDirOf = (file) => {
  const rel = relative(SRC, file).split(sep);
  return rel[0] === 'services' && rel.length > 2 ? rel[1] : null;
};

function roleProblem(file, target) {
  const from = servicesDirOf(file);
  const to = servicesDirOf(target);
  if (from === null || to === null || from === to || !ROLES.includes(to)) return null;
  if (ROLES.includes(from)) return `role '${from}' may not import role '${to}' (shared code goes in services/${SHARED_BY_ROLES.join('/ or services/')}/)`;
  if (SHARED_BY_ROLES.includes(from)) return `services/${from}/ is shared by the roles and may not import role '${to}'`;
  return null;
}

const layerOf = (file) => {
  const rel = relative(SRC, file).split(sep);
  return rel.length > 1 ? rel[0] : null; // null: shared module at src/ top level
};

const problems = [];
for (const file of walk(SRC)) {
  const from = layerOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), m[1]);
    if (!target.startsWith(SRC)) continue;
    const to = layerOf(target);
    const role = roleProblem(file, target);
    if (role) problems.push(`${relative(SRC, file)}: ${role} (${m[1]})`);
    if (to === null || to === from) continue;
    if (from === null) {
      problems.push(`${relative(SRC, file)}: shared module imports layer '${to}'`);
    } else if (!(ALLOWED[from] ?? []).includes(to)) {
      problems.push(`${relative(SRC, file)}: layer '${from}' may not import '${to}' (${m[1]})`);
    }
  }
}
if (problems.length) {
  console.error('Layer violations:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layers: ok');
