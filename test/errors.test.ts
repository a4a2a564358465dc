// Every error code is documented in docs/errors.md, and every code the source throws exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../src/errors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('documents every error code in docs/errors.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  for (const code of Object.keys(ERROR_CODES)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\|`), `docs/errors.md lacks ${code}`);
  }
});

it('throws only registered codes', () => {
  for (const file of sources(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/new OpenUmError\(\s*'([A-Z_]+)'/g)) {
      assert.ok(m[1] && m[1] in ERROR_CODES, `${file} throws unregistered code ${m[1]}`);
    }
  }
});
