// SIPp's statistics file (-trace_stat -stf FILE, ';'-separated): the last row as an object keyed
// by the header row, e.g. row['SuccessfulCall(C)']; {} when the file is missing or empty.
import { readFileSync } from 'node:fs';

export function statRow(file) {
  try {
    const lines = readFileSync(file, 'latin1').split('\n').filter((l) => l.trim());
    const head = lines[0].split(';');
    const last = lines[lines.length - 1].split(';');
    return Object.fromEntries(head.map((h, i) => [h, last[i]]));
  } catch { return {}; }
}
