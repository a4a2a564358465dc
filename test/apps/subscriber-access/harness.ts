// The site every subscriber-access test starts from, and one run of the application on a fake
// call that checks what must hold after every call: the call is over, and no port was called
// after the application returned.
import assert from 'node:assert/strict';
import type { TransferResult } from '../../../src/apps/call.js';
import { runSubscriberAccess, type SubscriberAccessDialPlan, type SubscriberAccessOptions, type SubscriberAccessOutcome } from '../../../src/apps/subscriber-access/index.js';
import type { CallerId } from '../../../src/apps/subscriber-access/ports.js';
import { FakeCall, type Step } from './fake-call.js';
import { FakeServices } from './fake-ports.js';

export const ALICE_PHONE: CallerId = { id: '1000', name: 'Alice' };
export const STRANGER: CallerId = { id: '+390212345', name: '' };
export const ALICE_PIN = '246813';
export const BOB_PIN = '135792';

/** alice (1000, recognised by her phone) has m1 (new, from 5551234), m2 (new, unknown), m3 (saved). */
export function site(): FakeServices {
  return new FakeServices()
    .addUser({ extension: '1000', pin: ALICE_PIN, callerIds: [ALICE_PHONE.id] })
    .addUser({ extension: '2000', pin: BOB_PIN })
    .addMessage('1000', 'm1', 'new', { callerNumber: '5551234', callbackUri: 'sip:5551234@gw.contoso.com' })
    .addMessage('1000', 'm2', 'new')
    .addMessage('1000', 'm3', 'saved', { callerNumber: '+3902123' });
}

export const PLAN: SubscriberAccessDialPlan = {
  defaultLanguage: 'en-US', extensionLength: 4, inputFailuresBeforeDisconnect: 3, logonFailuresBeforeDisconnect: 3, recordingIdleSeconds: 5,
};

export interface Run {
  out: SubscriberAccessOutcome;
  call: FakeCall;
  svc: FakeServices;
}

export async function run(
  script: Step[],
  o: { svc?: FakeServices; caller?: CallerId; plan?: Partial<SubscriberAccessDialPlan>; options?: Partial<SubscriberAccessOptions>; transfers?: TransferResult[]; hangUpAtPlay?: number } = {},
): Promise<Run> {
  const svc = o.svc ?? site();
  const call = new FakeCall(script);
  call.transferResults = [...(o.transfers ?? [])];
  call.hangUpAtPlay = o.hangUpAtPlay;
  const out = await runSubscriberAccess(call, svc.ports(), { dialPlan: { ...PLAN, ...o.plan }, caller: o.caller ?? ALICE_PHONE, ...o.options });
  const opsAtReturn = svc.ops.length;
  await new Promise((r) => setImmediate(r));
  assert.equal(svc.ops.length, opsAtReturn, 'no port is called after the application returned');
  assert.equal(call.active, false, 'the call is over when the application returns');
  return { out, call, svc };
}

/** The names played from the first `from` on (inclusive), to read one part of a call. */
export function after(names: string[], from: string): string[] {
  const i = names.indexOf(from);
  assert.ok(i >= 0, `${from} was played (played: ${names.join(' ')})`);
  return names.slice(i);
}

/** The count of `name` in `names`. */
export function count(names: string[], name: string): number {
  return names.filter((n) => n === name).length;
}
