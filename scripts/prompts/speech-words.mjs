#!/usr/bin/env node
// Writes scripts/prompts/speech.tsv: the words src/apps/speech/ builds numbers, counts, dates and
// times from, in en-US, it-IT, es-ES and fr-FR. Re-run after changing a word list here, then
// scripts/prompts/make-prompts.sh. Numbers 0-99 are whole prompts where the language fuses them
// (it-IT ventuno, es-ES veintiuno / treinta y uno, fr-FR soixante-et-onze); en-US says 21-99 as
// two prompts (twenty, one), so it has only 0-19 and the tens.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const rows = [];
const add = (name, lang, text) => rows.push(`${name}\t${lang}\t${text}`);

const EN_UNITS = 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' ');
const EN_TENS = { 20: 'twenty', 30: 'thirty', 40: 'forty', 50: 'fifty', 60: 'sixty', 70: 'seventy', 80: 'eighty', 90: 'ninety' };
const IT_UNITS = 'zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove'.split(' ');
const IT_TENS = { 20: 'venti', 30: 'trenta', 40: 'quaranta', 50: 'cinquanta', 60: 'sessanta', 70: 'settanta', 80: 'ottanta', 90: 'novanta' };
const ES_UNITS = 'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve'.split(' ');
const ES_TENS = { 30: 'treinta', 40: 'cuarenta', 50: 'cincuenta', 60: 'sesenta', 70: 'setenta', 80: 'ochenta', 90: 'noventa' };
const FR_UNITS = 'zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf'.split(' ');
const FR_TENS = { 20: 'vingt', 30: 'trente', 40: 'quarante', 50: 'cinquante', 60: 'soixante' };

function it(n) {
  if (n < 20) return IT_UNITS[n];
  const t = IT_TENS[n - (n % 10)], u = n % 10;
  if (u === 0) return t;
  // The tens lose their vowel before uno and otto (ventuno, trentotto); tre takes an accent (ventitré).
  return (u === 1 || u === 8 ? t.slice(0, -1) : t) + (u === 3 ? 'tré' : IT_UNITS[u]);
}
function es(n) {
  if (n < 30) return ES_UNITS[n];
  const t = ES_TENS[n - (n % 10)], u = n % 10;
  return u === 0 ? t : `${t} y ${ES_UNITS[u]}`;
}
function fr(n) {
  if (n < 20) return FR_UNITS[n];
  if (n < 70) {
    const t = FR_TENS[n - (n % 10)], u = n % 10;
    return u === 0 ? t : u === 1 ? `${t}-et-un` : `${t}-${FR_UNITS[u]}`;
  }
  if (n < 80) return n === 71 ? 'soixante-et-onze' : `soixante-${FR_UNITS[n - 60]}`;
  return n === 80 ? 'quatre-vingts' : `quatre-vingt-${FR_UNITS[n - 80]}`;
}

for (let n = 0; n < 100; n++) {
  if (n < 20 || n % 10 === 0) add(`n-${n}`, 'en-US', n < 20 ? EN_UNITS[n] : EN_TENS[n]);
  add(`n-${n}`, 'it-IT', it(n));
  add(`n-${n}`, 'es-ES', es(n));
  add(`n-${n}`, 'fr-FR', fr(n));
}
// Hundreds as said on their own and before the rest (es-ES: cien alone, ciento before the rest).
const ES_HUNDREDS = ['cien', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos', 'setecientos', 'ochocientos', 'novecientos'];
for (let h = 1; h <= 9; h++) {
  add(`n-${h * 100}`, 'en-US', `${EN_UNITS[h]} hundred`);
  add(`n-${h * 100}`, 'it-IT', h === 1 ? 'cento' : `${IT_UNITS[h]}cento`);
  add(`n-${h * 100}`, 'es-ES', ES_HUNDREDS[h - 1]);
  add(`n-${h * 100}`, 'fr-FR', h === 1 ? 'cent' : `${FR_UNITS[h]} cents`);
}
add('ciento', 'es-ES', 'ciento');
// One thousand, and the word after a number of thousands.
for (const [lang, one, word] of [['en-US', 'one thousand', 'thousand'], ['it-IT', 'mille', 'mila'], ['es-ES', 'mil', 'mil'], ['fr-FR', 'mille', 'mille']]) {
  add('n-1000', lang, one);
  add('thousand', lang, word);
}
// Uno shortened before a noun or mil (es-ES un mensaje, veintiún mil; it-IT un messaggio, ventunmila).
for (const u of [1, 21, 31, 41, 51, 61, 71, 81, 91]) {
  add(`un-${u}`, 'it-IT', u === 1 ? 'un' : it(u).slice(0, -1));
  add(`un-${u}`, 'es-ES', u === 1 ? 'un' : u === 21 ? 'veintiún' : `${ES_TENS[u - 1]} y un`);
}
// Feminine one, for hours (it-IT l'una, es-ES la una, veintiuna, fr-FR une heure, vingt-et-une heures).
add('f-1', 'it-IT', 'una');
add('f-1', 'es-ES', 'una');
add('f-1', 'fr-FR', 'une');
add('f-21', 'es-ES', 'veintiuna');
add('f-21', 'fr-FR', 'vingt-et-une');

// Counts: "no" and the nouns, singular and plural.
const NOUNS = {
  'en-US': { no: 'no', 'new-message': 'new message', 'new-messages': 'new messages', 'saved-message': 'saved message', 'saved-messages': 'saved messages', message: 'message', messages: 'messages' },
  'it-IT': { no: 'nessun', 'new-message': 'nuovo messaggio', 'new-messages': 'nuovi messaggi', 'saved-message': 'messaggio salvato', 'saved-messages': 'messaggi salvati', message: 'messaggio', messages: 'messaggi' },
  'es-ES': { no: 'ningún', 'new-message': 'mensaje nuevo', 'new-messages': 'mensajes nuevos', 'saved-message': 'mensaje guardado', 'saved-messages': 'mensajes guardados', message: 'mensaje', messages: 'mensajes' },
  'fr-FR': { no: 'aucun', 'new-message': 'nouveau message', 'new-messages': 'nouveaux messages', 'saved-message': 'message sauvegardé', 'saved-messages': 'messages sauvegardés', message: 'message', messages: 'messages' },
};
for (const [lang, words] of Object.entries(NOUNS)) for (const [name, text] of Object.entries(words)) add(name, lang, text);

// Keys.
for (const [lang, star, pound] of [['en-US', 'star', 'pound'], ['it-IT', 'asterisco', 'cancelletto'], ['es-ES', 'asterisco', 'almohadilla'], ['fr-FR', 'étoile', 'dièse']]) {
  add('star', lang, star);
  add('pound', lang, pound);
}

// Times: en-US 12-hour (three oh five PM), the others 24-hour.
add('oh', 'en-US', 'oh');
add('am', 'en-US', 'A M');
add('pm', 'en-US', 'P M');
add('hours', 'it-IT', 'ore');
add('and', 'it-IT', 'e');
add('hour', 'es-ES', 'hora');
add('hours', 'es-ES', 'horas');
add('minute', 'es-ES', 'minuto');
add('minutes', 'es-ES', 'minutos');
add('hour', 'fr-FR', 'heure');
add('hours', 'fr-FR', 'heures');
for (const [lang, at] of [['en-US', 'at'], ['it-IT', 'alle'], ['es-ES', 'a las'], ['fr-FR', 'à']]) add('at', lang, at);
add('at-1', 'es-ES', 'a la');

// Dates: today, yesterday, weekdays (1 Monday .. 7 Sunday, ISO 8601), months, day ordinals.
const DAYS = {
  'en-US': ['today', 'yesterday', 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday', 'January February March April May June July August September October November December'],
  'it-IT': ['oggi', 'ieri', 'lunedì martedì mercoledì giovedì venerdì sabato domenica', 'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre'],
  'es-ES': ['hoy', 'ayer', 'lunes martes miércoles jueves viernes sábado domingo', 'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'],
  'fr-FR': ["aujourd'hui", 'hier', 'lundi mardi mercredi jeudi vendredi samedi dimanche', 'janvier février mars avril mai juin juillet août septembre octobre novembre décembre'],
};
for (const [lang, [today, yesterday, weekdays, months]] of Object.entries(DAYS)) {
  add('today', lang, today);
  add('yesterday', lang, yesterday);
  weekdays.split(' ').forEach((w, i) => add(`weekday-${i + 1}`, lang, w));
  months.split(' ').forEach((m, i) => add(`month-${i + 1}`, lang, m));
}
const EN_ORD = 'first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth'.split(' ');
const EN_ORD_TENS = { 20: 'twenty', 30: 'thirty' };
for (let d = 1; d <= 31; d++) add(`ord-${d}`, 'en-US', d <= 20 ? EN_ORD[d - 1] : d === 30 ? 'thirtieth' : `${EN_ORD_TENS[d - (d % 10)]}-${EN_ORD[(d % 10) - 1]}`);
add('ord-1', 'it-IT', 'primo');
add('ord-1', 'fr-FR', 'premier');
add('of', 'es-ES', 'de');

// Usage: node scripts/prompts/speech-words.mjs [out.tsv]   (default: speech.tsv beside this script)
const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'speech.tsv');
const header = '# name\tlanguage\ttext  (written by scripts/prompts/speech-words.mjs: edit that, not this; the words src/apps/speech/ builds numbers, counts, dates and times from)';
writeFileSync(out, [header, ...rows].join('\n') + '\n');
console.log(`speech-words: ${rows.length} prompts in ${out}`);
