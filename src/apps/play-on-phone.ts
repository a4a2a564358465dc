// Play on Phone (Exchange UM): the user's voice message played to the phone that answered. Keys
// during and after playback: 1 plays it again from the start, 3 deletes it (and hangs up), # or
// hanging up ends the call. When the message was played to the end it is marked read. Replays are
// bounded so a stuck key cannot hold a line forever.
import type { Call } from './call.js';

export const POP_KEYS = { replay: '1', delete: '3', end: '#' } as const;
const MAX_PLAYS = 10;

export interface PlayOnPhoneMailbox {
  markRead(): Promise<void>;
  deleteMessage(): Promise<void>;
}

export type PlayOnPhoneOutcome = 'completed' | 'deleted' | 'hangup';

export async function playOnPhone(call: Call, audio: Int16Array, mailbox: PlayOnPhoneMailbox): Promise<PlayOnPhoneOutcome> {
  let heard = false;
  for (let plays = 0; plays < MAX_PLAYS; plays++) {
    const r = await call.play(audio, { interruptDigits: `${POP_KEYS.replay}${POP_KEYS.delete}${POP_KEYS.end}` });
    if (r.outcome === 'hangup') return finish('hangup');
    if (r.outcome === 'done') {
      heard = true;
      break;
    }
    if (r.digit === POP_KEYS.replay) continue;
    if (r.digit === POP_KEYS.delete) {
      await mailbox.deleteMessage();
      call.hangup();
      return 'deleted';
    }
    break; // '#'
  }
  call.hangup();
  return finish('completed');

  async function finish(outcome: PlayOnPhoneOutcome): Promise<PlayOnPhoneOutcome> {
    if (heard) await mailbox.markRead();
    return outcome;
  }
}
