// What commands print: a readable table or key/value block by default, JSON with --json.
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  process.stdout.write([line(headers), ...rows.map(line)].join('\n') + '\n');
}

export function printFields(fields: [string, unknown][]): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return v.join(', ');
    if (v === null || v === undefined) return '';
    // A small record such as an RTP range { min, max } reads as "min=1024, max=65535".
    if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join(', ');
    return String(v);
  };
  process.stdout.write(fields.map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${show(v)}`).join('\n') + '\n');
}
