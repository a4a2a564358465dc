// The mutation fuzzer, as a fast-check arbitrary so a run replays from its seed and a failure
// shrinks: pick a seed input, apply 1-8 operations. Byte operations (bit flip, insert random or
// grammar-significant bytes, delete, duplicate or repeat a range, truncate, splice with another
// seed) serve every target; line operations (duplicate, remove or swap a header line, take a line
// from another seed, replace a number by an edge value) are for the text protocols (SIP, SDP).
import fc from 'fast-check';

export interface MutationOptions {
  /** Line operations too (SIP, SDP); off for binary packets. */
  text: boolean;
  /** Largest input produced; mutations beyond it are cut (keeps a run's memory bounded). */
  maxBytes?: number;
}

interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

const SPECIAL = [
  ':', ';', ',', '"', '<', '>', '\\', '\r\n', '\r\n ', '\n', '\r', '\r\n\r\n', '%', '%0', '[', ']', '@', '=',
  ' ', '\t', '\0', '/', '?', '&', 'sip:', 'SIP/2.0', '\xff', '\xc3\x28', '\ud800',
].map((s) => Buffer.from(s, s === '\xff' || s === '\xc3\x28' ? 'latin1' : 'utf8'));
const NUMBERS = ['0', '-1', '1', '255', '256', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296',
  '9007199254740993', '99999999999999999999', '1e3', '0x10', '-0', '00000000000000000001', 'NaN', ''];
const BYTE_OPS = 8;
const LINE_OPS = 5;

const opArb = (text: boolean): fc.Arbitrary<Op> => fc.record({
  kind: fc.nat({ max: (text ? BYTE_OPS + LINE_OPS : BYTE_OPS) - 1 }),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
});

export function mutated(seeds: readonly Buffer[], options: MutationOptions): fc.Arbitrary<Buffer> {
  if (seeds.length === 0) throw new Error('mutated() needs at least one seed');
  const max = options.maxBytes ?? 70_000;
  return fc.record({ seed: fc.nat(), ops: fc.array(opArb(options.text), { minLength: 1, maxLength: 8 }) })
    .map(({ seed, ops }) => {
      let b = seeds[seed % seeds.length]!;
      for (const op of ops) b = apply(b, op, seeds, max);
      return b;
    });
}

function apply(b: Buffer, op: Op, seeds: readonly Buffer[], max: number): Buffer {
  const at = op.a % (b.length + 1);
  const out = step(b, at, op, seeds);
  return out.length > max ? out.subarray(0, max) : out;
}

function step(b: Buffer, at: number, op: Op, seeds: readonly Buffer[]): Buffer {
  switch (op.kind) {
    case 0: { // bit flip
      if (b.length === 0) return b;
      const c = Buffer.from(b);
      c[at % b.length]! ^= 1 << (op.b % 8);
      return c;
    }
    case 1: { // set a byte to a boundary value
      if (b.length === 0) return b;
      const c = Buffer.from(b);
      c[at % b.length] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0d, 0x0a][op.b % 8]!;
      return c;
    }
    case 2: { // insert random bytes
      const junk = Buffer.alloc(1 + (op.b % 16));
      let x = op.c;
      for (let i = 0; i < junk.length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        junk[i] = x >>> 24;
      }
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    case 3: // insert a grammar-significant token
      return Buffer.concat([b.subarray(0, at), SPECIAL[op.b % SPECIAL.length]!, b.subarray(at)]);
    case 4: // delete a range
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + (op.b % 32))]);
    case 5: { // duplicate a range, up to 64 times (long lines, many headers)
      const piece = b.subarray(at, at + (op.b % 200));
      const times = 1 + (op.c % 64);
      return Buffer.concat([b.subarray(0, at), ...Array<Buffer>(times).fill(piece), b.subarray(at)]);
    }
    case 6: // truncate
      return b.subarray(0, at);
    case 7: { // splice: our head, another seed's tail
      const other = seeds[op.b % seeds.length]!;
      return Buffer.concat([b.subarray(0, at), other.subarray(op.c % (other.length + 1))]);
    }
    default:
      return lineOp(b, op, seeds);
  }
}

/** Line boundaries [start, end) including the line end. */
function lines(b: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < b.length && out.length < 4096) {
    const nl = b.indexOf(0x0a, start);
    const end = nl < 0 ? b.length : nl + 1;
    out.push([start, end]);
    start = end;
  }
  return out;
}

function lineOp(b: Buffer, op: Op, seeds: readonly Buffer[]): Buffer {
  const ls = lines(b);
  if (ls.length === 0) return b;
  const [s, e] = ls[op.a % ls.length]!;
  switch (op.kind - BYTE_OPS) {
    case 0: // duplicate a line (a header twice)
      return Buffer.concat([b.subarray(0, e), b.subarray(s, e), b.subarray(e)]);
    case 1: // remove a line (a header gone)
      return Buffer.concat([b.subarray(0, s), b.subarray(e)]);
    case 2: { // swap two lines (header order)
      const [s2, e2] = ls[op.b % ls.length]!;
      if (s2 <= s) return b;
      return Buffer.concat([b.subarray(0, s), b.subarray(s2, e2), b.subarray(e, s2), b.subarray(s, e), b.subarray(e2)]);
    }
    case 3: { // a line from another seed
      const other = seeds[op.b % seeds.length]!;
      const ols = lines(other);
      if (ols.length === 0) return b;
      const [os, oe] = ols[op.c % ols.length]!;
      return Buffer.concat([b.subarray(0, e), other.subarray(os, oe), b.subarray(e)]);
    }
    default: { // a number in the line becomes an edge value (Content-Length, CSeq, ports, lengths)
      const line = b.subarray(s, e).toString('latin1');
      const digits = [...line.matchAll(/\d+/g)];
      if (digits.length === 0) return b;
      const m = digits[op.b % digits.length]!;
      const replaced = line.slice(0, m.index) + NUMBERS[op.c % NUMBERS.length]! + line.slice(m.index + m[0].length);
      return Buffer.concat([b.subarray(0, s), Buffer.from(replaced, 'latin1'), b.subarray(e)]);
    }
  }
}
