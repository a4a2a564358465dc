// What the speech sequences say, as words: each prompt name replaced by its text in
// scripts/prompts/speech.tsv (and prompts.tsv for the digits), so the grammar of each language
// reads as a sentence. Also: speech.tsv is what speech-words.mjs writes (no hand edits lost).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sayDate, sayWhen } from '../../src/apps/speech/dates.js';
import { sayCount, sayDigits, sayNumber } from '../../src/apps/speech/numbers.js';
import { repoRoot } from '../support/peers/proc.js';
import { run, tempDir } from '../support/run.js';

const TABLES = ['speech.tsv', 'prompts.tsv'].map((f) => join(repoRoot(), 'scripts', 'prompts', f));
const text = new Map<string, string>();
for (const file of TABLES) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, lang, words] = line.split('\t');
    if (name && lang && words !== undefined && !name.startsWith('#')) text.set(`${lang}/${name}`, words);
  }
}
const say = (names: string[], lang: string): string => names.map((n) => text.get(`${lang}/${n}`) ?? `<${n}>`).join(' ');

const ROME = 'Europe/Rome';
const NOW = new Date('2026-03-18T14:05:00Z'); // Wednesday 18 March 2026, 15:05 in Rome

describe('speech as words', () => {
  it('en-US', () => {
    assert.equal(say(sayNumber(21, 'en-US'), 'en-US'), 'twenty one');
    assert.equal(say(sayNumber(342_017, 'en-US'), 'en-US'), 'three hundred forty two thousand seventeen');
    assert.equal(say(sayCount(1, 'new-message', 'en-US'), 'en-US'), 'one new message');
    assert.equal(say(sayCount(0, 'saved-message', 'en-US'), 'en-US'), 'no saved messages');
    assert.equal(say(sayWhen(new Date('2026-03-17T08:07:00Z'), ROME, 'en-US', NOW), 'en-US'), 'yesterday at nine oh seven A M');
    assert.equal(say(sayDate(new Date('2026-03-02T10:00:00Z'), ROME, 'en-US', NOW), 'en-US'), 'March second');
    assert.equal(say(sayDigits('1#'), 'en-US'), 'one pound');
  });
  it('it-IT', () => {
    assert.equal(say(sayNumber(21, 'it-IT'), 'it-IT'), 'ventuno');
    assert.equal(say(sayNumber(103, 'it-IT'), 'it-IT'), 'cento tre');
    assert.equal(say(sayNumber(21_538, 'it-IT'), 'it-IT'), 'ventun mila cinquecento trentotto');
    assert.equal(say(sayCount(1, 'new-message', 'it-IT'), 'it-IT'), 'un nuovo messaggio');
    assert.equal(say(sayCount(3, 'new-message', 'it-IT'), 'it-IT'), 'tre nuovi messaggi');
    assert.equal(say(sayCount(0, 'saved-message', 'it-IT'), 'it-IT'), 'nessun messaggio salvato');
    assert.equal(say(sayWhen(new Date('2026-03-16T00:20:00Z'), ROME, 'it-IT', NOW), 'it-IT'), 'lunedì alle ore una e venti');
    assert.equal(say(sayDate(new Date('2026-02-01T10:00:00Z'), ROME, 'it-IT', NOW), 'it-IT'), 'primo febbraio');
  });
  it('es-ES', () => {
    assert.equal(say(sayNumber(21, 'es-ES'), 'es-ES'), 'veintiuno');
    assert.equal(say(sayNumber(100, 'es-ES'), 'es-ES'), 'cien');
    assert.equal(say(sayNumber(115, 'es-ES'), 'es-ES'), 'ciento quince');
    assert.equal(say(sayNumber(521_000, 'es-ES'), 'es-ES'), 'quinientos veintiún mil');
    assert.equal(say(sayCount(1, 'new-message', 'es-ES'), 'es-ES'), 'un mensaje nuevo');
    assert.equal(say(sayCount(31, 'message', 'es-ES'), 'es-ES'), 'treinta y un mensajes');
    assert.equal(say(sayCount(0, 'new-message', 'es-ES'), 'es-ES'), 'ningún mensaje nuevo');
    assert.equal(say(sayWhen(new Date('2026-03-18T00:01:00Z'), ROME, 'es-ES', NOW), 'es-ES'), 'hoy a la una hora un minuto');
    assert.equal(say(sayWhen(new Date('2026-03-17T20:45:00Z'), ROME, 'es-ES', NOW), 'es-ES'), 'ayer a las veintiuna horas cuarenta y cinco minutos');
    assert.equal(say(sayDate(new Date('2025-07-04T10:00:00Z'), ROME, 'es-ES', NOW), 'es-ES'), 'cuatro de julio de dos mil veinticinco');
  });
  it('fr-FR', () => {
    assert.equal(say(sayNumber(71, 'fr-FR'), 'fr-FR'), 'soixante-et-onze');
    assert.equal(say(sayNumber(97, 'fr-FR'), 'fr-FR'), 'quatre-vingt-dix-sept');
    // written quatre-vingt mille; the prompt quatre-vingts sounds the same before a consonant
    assert.equal(say(sayNumber(80_081, 'fr-FR'), 'fr-FR'), 'quatre-vingts mille quatre-vingt-un');
    assert.equal(say(sayCount(1, 'saved-message', 'fr-FR'), 'fr-FR'), 'un message sauvegardé');
    assert.equal(say(sayCount(2, 'new-message', 'fr-FR'), 'fr-FR'), 'deux nouveaux messages');
    assert.equal(say(sayCount(0, 'new-message', 'fr-FR'), 'fr-FR'), 'aucun nouveau message');
    assert.equal(say(sayWhen(new Date('2026-03-17T20:30:00Z'), ROME, 'fr-FR', NOW), 'fr-FR'), 'hier à vingt-et-une heures trente');
    assert.equal(say(sayDate(new Date('2026-03-01T10:00:00Z'), ROME, 'fr-FR', NOW), 'fr-FR'), 'premier mars');
  });

  it('speech.tsv is what scripts/prompts/speech-words.mjs writes', async () => {
    const dir = tempDir('openum-speech-words-');
    try {
      const out = join(dir.path, 'speech.tsv');
      const r = await run(process.execPath, [join(repoRoot(), 'scripts', 'prompts', 'speech-words.mjs'), out], { timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(out, 'utf8'), readFileSync(TABLES[0] ?? '', 'utf8'), 'run node scripts/prompts/speech-words.mjs and make-prompts.sh');
    } finally {
      dir.cleanup();
    }
  });
});
