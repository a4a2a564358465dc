// Every prompt the subscriber-access application names exists in each of the four languages
// (the prompt library would otherwise fall back to en-US without a word), and its table has no
// prompt that nothing uses.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROMPT_LANGUAGES } from '../../../src/media/audio/prompt-library.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SRC = join(ROOT, 'src', 'apps', 'subscriber-access');

function namesInSource(): Set<string> {
  const names = new Set<string>();
  for (const f of readdirSync(SRC).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(SRC, f), 'utf8').matchAll(/'(sa-[a-z0-9-]+|enter-pin|invalid|goodbye)'/g)) names.add(m[1]!);
  }
  return names;
}

it('ships every prompt it plays in en-US, it-IT, es-ES and fr-FR', () => {
  const names = namesInSource();
  assert.ok(names.size > 40, `found ${names.size} prompt names`);
  for (const name of names) {
    for (const lang of PROMPT_LANGUAGES) assert.ok(existsSync(join(ROOT, 'assets', 'prompts', lang, `${name}.wav`)), `${lang}/${name}.wav`);
  }
  assert.ok(existsSync(join(ROOT, 'assets', 'prompts', 'tone.wav')));
});

it('has a row in each language for every sa- prompt of its table, and no unused one', () => {
  const rows = readFileSync(join(ROOT, 'scripts', 'prompts', 'subscriber-access.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const used = namesInSource();
  const table = new Set(rows.map((r) => r[0]!));
  for (const name of table) {
    assert.ok(name.startsWith('sa-'), `${name} has the sa- prefix`);
    assert.ok(used.has(name), `${name} is used`);
    assert.deepEqual(rows.filter((r) => r[0] === name).map((r) => r[1]).sort(), [...PROMPT_LANGUAGES].sort(), name);
  }
});
