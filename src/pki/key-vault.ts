// Private keys are kept sealed in the store with AES-256-GCM under a master key that lives
// outside the store: DATA/master.key (mode 0600, made on first start) or OPENUM_MASTER_KEY
// (base64). Nodes sharing a PostgreSQL store share the master key. A check value in the store's
// meta table catches a wrong master key before any key is used.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';

const VERSION = 1;
const AAD = Buffer.from('openum private key v1');
export const MASTER_KEY_FILE = 'master.key';

export class KeyVault {
  readonly #key: Buffer;
  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new OpenUmError('MASTER_KEY_MISMATCH', 'the master key must be 32 bytes');
    this.#key = Buffer.from(masterKey);
  }

  /** version(1) | iv(12) | tag(16) | ciphertext */
  seal(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): Buffer {
    if (sealed.length < 29 || sealed[0] !== VERSION) {
      throw new OpenUmError('MASTER_KEY_MISMATCH', 'a sealed private key in the store is damaged');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(1, 13));
      decipher.setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
    } catch (e) {
      throw new OpenUmError('MASTER_KEY_MISMATCH', 'the master key does not open a private key in the store', { cause: e });
    }
  }

  checkValue(): string {
    return createHmac('sha256', this.#key).update('openum master key check').digest('hex');
  }
}

/** Reads OPENUM_MASTER_KEY or DATA/master.key, making the file (0600) when neither exists. */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.OPENUM_MASTER_KEY;
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new OpenUmError('MASTER_KEY_MISMATCH', 'OPENUM_MASTER_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
    return key;
  }
  const file = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new OpenUmError('MASTER_KEY_MISMATCH', `${file} does not hold a 32-byte base64 key`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** Records the vault's check value on first use, and refuses a vault that does not match it. */
export async function verifyVault(db: Kysely<Database>, vault: KeyVault, where: string): Promise<void> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'master_key_check').executeTakeFirst();
  if (!row) {
    await db.insertInto('meta').values({ key: 'master_key_check', value: vault.checkValue() })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    return verifyVault(db, vault, where);
  }
  if (row.value !== vault.checkValue()) {
    throw new OpenUmError('MASTER_KEY_MISMATCH',
      `the master key (${where}) is not the one this store was made with: copy master.key from the node that created the store, or set OPENUM_MASTER_KEY`);
  }
}
