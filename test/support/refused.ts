// The one shape of a refused change in the store-level tests: an OpenUmError with this code whose
// message matches.
import assert from 'node:assert/strict';
import { OpenUmError, type ErrorCode } from '../../src/errors.js';

export async function refused(p: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OpenUmError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}
