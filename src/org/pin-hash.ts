// PINs are stored as slow salted hashes (RFC 7914 scrypt, node:crypto): a 16-byte random salt per
// PIN and the cost parameters kept with the hash, so they can be raised later without making old
// hashes unreadable. Format: scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N = 2^14, r = 8, p = 1: 16 MiB and tens of ms per try (a PIN space is small: make guesses dear). */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(pin: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(pin, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `pin` is the one hashed; false for a malformed hash. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const o = { N: Number(n), r: Number(r), p: Number(p) };
  if (![o.N, o.r, o.p].every((v) => Number.isSafeInteger(v) && v > 0) || o.N > 1 << 20) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(pin, Buffer.from(salt, 'base64url'), o);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
