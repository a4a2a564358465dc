#!/usr/bin/env node
// `node bench/heap-diff.mjs BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]`: what grew between two V8
// heap snapshots of one process (e.g. from `SWAPS_HEAP_SNAPSHOTS=1 npm run swaps`): total heap
// (a snapshot is taken after a full collection, so this is live memory), then per node type and
// name (constructor, or "(string)", "(closure) name" …) the change in count and self size, largest
// first. A reading aid for leak hunting, not a test.
import { readFileSync } from 'node:fs';
import process from 'node:process';

function summary(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const fields = meta.node_fields;
  const types = meta.node_types[0];
  const n = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const by = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += n) {
    const type = types[snap.nodes[i + iType]];
    const name = type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + iName]] : '';
    const key = `${type} ${name}`.slice(0, 100);
    const size = snap.nodes[i + iSize];
    total += size;
    const e = by.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += size;
    by.set(key, e);
  }
  return { total, by };
}

const [a, b, top = '25'] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node bench/heap-diff.mjs BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]');
  process.exit(2);
}
const before = summary(a);
const after = summary(b);
console.log(`live heap: ${(before.total / 1048576).toFixed(2)} MB -> ${(after.total / 1048576).toFixed(2)} MB (${((after.total - before.total) / 1048576).toFixed(2)} MB)`);
const keys = new Set([...before.by.keys(), ...after.by.keys()]);
const rows = [...keys].map((k) => {
  const x = before.by.get(k) ?? { count: 0, size: 0 };
  const y = after.by.get(k) ?? { count: 0, size: 0 };
  return { k, dCount: y.count - x.count, dSize: y.size - x.size, count: y.count };
}).sort((p, q) => Math.abs(q.dSize) - Math.abs(p.dSize)).slice(0, Number(top));
for (const r of rows) console.log(`${(r.dSize / 1024).toFixed(1).padStart(10)} KB  ${String(r.dCount).padStart(8)} objects (now ${r.count})  ${r.k}`);
