// Seed inputs for the mutation fuzzer, read from the repository's fixtures: the malformed SIP
// corpus, the RFC 4475 torture messages, and the valid messages of the SIP tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANONICAL } from '../sip/message/samples.js';

/** The repository root, from here (test/fuzz) or from dist/test/fuzz. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found above test/fuzz');
}

function readDir(dir: string, ext: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => readFileSync(join(dir, f)));
}

let sipSeeds: Buffer[] | undefined;

/** Valid messages, the malformed corpus (*.sip) and RFC 4475 (*.dat). */
export function sipCorpus(): Buffer[] {
  sipSeeds ??= [
    ...Object.values(CANONICAL),
    ...readDir(join(repoRoot(), 'test', 'fixtures', 'sip', 'malformed'), '.sip'),
    ...readDir(join(repoRoot(), 'test', 'fixtures', 'sip', 'rfc4475'), '.dat'),
  ];
  return sipSeeds;
}

/** The bodies of corpus messages that carry SDP. */
export function sdpCorpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const m of sipCorpus()) {
    const text = m.toString('latin1');
    const at = text.search(/\r?\n\r?\nv=0/);
    if (at >= 0) out.push(Buffer.from(text.slice(text.indexOf('v=0', at)), 'latin1'));
  }
  return out;
}
