// Call answering speaks the user's own language (set on their web page or with openum user set
// --language) when they chose one, and the dial plan's default language otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCallAnswering } from '../../src/apps/call-answering.js';
import type { CallContext } from '../../src/apps/call-context.js';
import type { PlayResult } from '../../src/apps/call.js';

/** A caller who hangs up during the greeting; the prompts say which language was asked for. */
async function greetingLanguage(userLanguage: string | null | undefined): Promise<string[]> {
  const asked: string[] = [];
  const prompts = {
    greeting: async (_extension: string, language: string) => (asked.push(`greeting:${language}`), Int16Array.of(1)),
    load: async (name: string, language: string) => (asked.push(`${name}:${language}`), Int16Array.of(2)),
  };
  const call = { active: true, play: async (): Promise<PlayResult> => ({ outcome: 'hangup' }), hangup: () => undefined };
  const ctx = {
    call, callType: 'CallAnswering', prompts,
    dialPlan: { defaultLanguage: 'en-US', maxRecordingMinutes: 1, recordingIdleSeconds: 5 },
    user: { id: 1, name: 'alice', displayName: 'alice', extension: '1000', email: 'alice@contoso.test', ...(userLanguage === undefined ? {} : { language: userLanguage }) },
    services: { callAnswering: { greeting: async () => undefined, mailbox: () => ({ begin: async () => { throw new Error('no message'); }, end: async () => 'missed', missed: async () => undefined }) } },
  } as unknown as CallContext;
  const outcome = await runCallAnswering(ctx);
  assert.deepEqual(outcome, { kind: 'missed', end: 'before-tone', durationMs: 0 });
  return asked;
}

describe('call answering language', () => {
  it("plays the greeting in the user's language, else the dial plan's", async () => {
    assert.deepEqual(await greetingLanguage('it-IT'), ['greeting:it-IT']);
    assert.deepEqual(await greetingLanguage(null), ['greeting:en-US']);
    assert.deepEqual(await greetingLanguage(undefined), ['greeting:en-US']);
  });
});
