// Listening to voice mail: new messages, then saved ones, each introduced by its caller (the
// number digit by digit, or "unknown caller") and when it arrived. A key pressed during the
// introduction or the message acts at once (the prompt stops; keys typed ahead are kept); after
// the message the options are said. Keys (the same during and after a message):
//   1 replay   2 save   3 delete   4 previous   5 call the sender   6 next
//   7 undelete the last deleted   9 skip to the end (during)   0 help   * main menu
// Past the last message the caller is at the "end of messages" (4 previous, 7 undelete, * back).
// A message played to its end, or saved, is read (the mailbox port marks it; the lamp follows).
// Deleting hides the message until the call ends, when the application purges what is still
// deleted; until then 7 restores the last one deleted, even after leaving this menu.
import type { MessageSummary } from './ports.js';
import { CallOver, type Session } from './session.js';

interface Entry {
  message: MessageSummary;
  /** Unread when the call started (or restored as such). */
  fresh: boolean;
  /** Marked read in this call (played to the end, or saved). */
  read: boolean;
  deleted: boolean;
}

const DURING_KEYS = '123456790*';
const MESSAGE_KEYS = '1234567*';
const END_KEYS = '467*';

export async function voiceMail(s: Session): Promise<void> {
  const { fresh, saved } = await s.ports.mailbox.list(s.subscriber);
  const queue: Entry[] = [...fresh.map((m) => entry(m, true)), ...saved.map((m) => entry(m, false))];
  if (queue.length === 0 && s.deleted.length === 0) {
    await s.say(['sa-no-messages']);
    return;
  }
  /** The current message; queue.length is the end of messages. */
  let at = live(queue, 0, 1) ?? queue.length;
  let playing = at < queue.length;
  if (!playing) await s.say(['sa-no-more-messages']);
  for (;;) {
    const current = queue[at];
    const during = playing && current ? await listen(s, current) : undefined;
    playing = false;
    // A key during the message acts at once; after it (or at the end of messages), the options.
    const k = during === undefined
      ? await s.menu([current ? 'sa-message-menu' : 'sa-end-menu'], current ? MESSAGE_KEYS : END_KEYS)
      : await accepted(s, during);
    if (k === undefined) continue;
    if (k === '*') return;
    switch (k) {
      case '1':
        playing = true;
        break;
      case '2':
        if (current) await save(s, current);
        [at, playing] = await next(s, queue, at);
        break;
      case '3':
        if (current) await remove(s, current);
        [at, playing] = await next(s, queue, at);
        break;
      case '4': {
        const before = live(queue, at - 1, -1);
        if (before === undefined) await s.say(['sa-first-message']);
        else [at, playing] = [before, true];
        break;
      }
      case '5':
        if (current) await callBack(s, current.message);
        break;
      case '6':
        [at, playing] = await next(s, queue, at);
        break;
      case '7':
        at = await undelete(s, queue, at);
        break;
      // '9' (skip to the end) and '0' (help): the options after the message.
    }
  }
}

/** A key pressed during a message: itself if it means something there, else "not valid". */
async function accepted(s: Session, k: string): Promise<string | undefined> {
  if (DURING_KEYS.includes(k)) {
    s.succeeded();
    return k;
  }
  await s.failed(['invalid']);
  return undefined;
}

function entry(message: MessageSummary, fresh: boolean): Entry {
  return { message, fresh, read: false, deleted: false };
}

/** The first message not deleted from `from` on in direction `step`. */
function live(queue: Entry[], from: number, step: 1 | -1): number | undefined {
  for (let i = from; i >= 0 && i < queue.length; i += step) if (!queue[i]?.deleted) return i;
  return undefined;
}

async function next(s: Session, queue: Entry[], at: number): Promise<[number, boolean]> {
  const after = live(queue, at + 1, 1);
  if (after !== undefined) return [after, true];
  await s.say(['sa-no-more-messages']);
  return [queue.length, false];
}

/** Introduction and message; the key that stopped them, or undefined when heard to the end. */
async function listen(s: Session, e: Entry): Promise<string | undefined> {
  const m = e.message;
  const intro = [
    e.fresh && !e.read ? 'sa-new-message' : 'sa-saved-message',
    ...(m.callerNumber ? ['sa-from', ...s.ports.speech.digits(m.callerNumber, s.language)] : ['sa-from-unknown']),
    'sa-received', ...s.ports.speech.dateTime(m.receivedAt, s.language),
  ];
  if (await s.say(intro) !== undefined) return s.key();
  if (await s.play(await s.ports.mailbox.audio(s.subscriber, m.id)) !== undefined) return s.key();
  if (e.fresh && !e.read) {
    await s.ports.mailbox.markRead(s.subscriber, m.id);
    e.read = true;
  }
  return undefined;
}

async function save(s: Session, e: Entry): Promise<void> {
  await s.ports.mailbox.save(s.subscriber, e.message.id);
  e.read = true;
  await s.say(['sa-message-saved']);
}

async function remove(s: Session, e: Entry): Promise<void> {
  await s.ports.mailbox.delete(s.subscriber, e.message.id);
  e.deleted = true;
  s.deleted.push({ message: e.message, fresh: e.fresh && !e.read });
  await s.say(['sa-message-deleted']);
}

/** Restores the last message deleted in this call; it becomes the current one. */
async function undelete(s: Session, queue: Entry[], at: number): Promise<number> {
  const last = s.deleted.pop();
  if (!last) {
    await s.say(['sa-nothing-to-undelete']);
    return at;
  }
  await s.ports.mailbox.undelete(s.subscriber, last.message.id);
  await s.say(['sa-message-restored']);
  const i = queue.findIndex((e) => e.message.id === last.message.id);
  const found = queue[i];
  if (found) {
    found.deleted = false;
    return i;
  }
  // Deleted during an earlier visit to this menu (the list no longer had it): back where we are.
  queue.splice(at, 0, entry(last.message, last.fresh));
  return at;
}

/** "Call the sender": a blind transfer to the caller's number, when there is one. */
async function callBack(s: Session, m: MessageSummary): Promise<void> {
  if (!m.callbackUri) {
    await s.say(['sa-no-callback']);
    return;
  }
  await s.say(['sa-calling-sender'], false);
  const r = await s.call.transfer(m.callbackUri);
  if (r.outcome === 'hangup') throw new CallOver('hangup');
  if (r.outcome === 'transferred') {
    s.call.hangup();
    throw new CallOver('transferred');
  }
  await s.say(['sa-transfer-failed']);
}
