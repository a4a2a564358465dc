// `openum voicemail list|play|delete|read`: a user's voice messages and missed calls, as an
// administrator sees them. Deleting removes the row (audited) and its audio file; playing writes
// the WAV to a file or a pipe and marks the message read. A running server notices read and
// delete through the store revision and updates the user's message-waiting lamp.
import { OpenUmError } from '../../errors.js';
import { cancelPlayOnPhone, getPlayOnPhone, POP_FINAL, requestPlayOnPhone, type PlayOnPhoneCall } from '../../org/play-on-phone.js';
import { getUser } from '../../org/users.js';
import type { VoiceMessage } from '../../org/voice-messages.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import { requireServer } from '../../services/node.js';
import { flag, parse, str } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { checkOutputFile, writeOutputFile } from '../write-file.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum voicemail — voice messages and missed calls

  list --user NAME [--all] [--json]   a user's messages, newest first (--all: missed calls too)
  play ID --out FILE [--force]        writes the message's WAV to FILE and marks it read;
                                      without --out the WAV goes to stdout when it is a pipe:
                                      openum voicemail play 12 | aplay
  delete ID                           removes the message and its audio (audited)
  read ID [--unread]                  marks the message read (or unread again)
  play-on-phone ID --number N [--wait]
                                      a UM worker calls N through a gateway of the user's dial
                                      plan that allows outcalls (N must fit the plan's outdialing
                                      rules) and plays the message: 1 replays, 3 deletes, # ends;
                                      --wait follows the call to its end
  play-on-phone-status CALL           the progress: queued, dialing, ringing, playing, completed,
                                      failed (with the SIP status), cancelled
  play-on-phone-cancel CALL           cancels the call (CANCEL while ringing, BYE once answered)
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

export function parseMessageId(text: string | undefined): number {
  const n = /^\d{1,15}$/.test(text ?? '') ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new OpenUmError('BAD_ARGUMENT', `"${text ?? ''}" is not a voice message id (a whole number); 'openum voicemail list --user NAME' shows them`);
  }
  return n;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const caller = (m: VoiceMessage) => [m.callerName, m.callerId && `<${m.callerId}>`].filter(Boolean).join(' ') || '(withheld)';

function show(m: VoiceMessage, json: boolean): void {
  if (json) return printJson(m);
  printFields([['Id', m.id], ['Received', m.receivedAt], ['From', caller(m)], ['Called', m.called], ['Duration', seconds(m.durationMs)],
    ['State', m.state], ['Ended by', m.endReason], ['Read', m.read], ['Delivery', m.delivery], ['Attempts', m.deliveryAttempts],
    ['Delivered at', m.deliveredAt], ['Next attempt', m.nextAttemptAt], ['Last error', m.lastError], ['Audio', m.state === 'stored' ? m.audioPath : '']]);
}

const commands: CommandTable = {
  async list(argv) {
    const p = parse('voicemail list', argv, { user: { type: 'string' }, all: { type: 'boolean' } }, { min: 0, max: 0, usage: '--user NAME [--all] [--json]' });
    if (p.values.help) return void console.log(HELP);
    const name = str(p, 'user');
    if (name === undefined) throw new OpenUmError('BAD_ARGUMENT', "'openum voicemail list' needs --user NAME ('openum user list' shows the users)");
    await withNode(p, async (node) => {
      const user = await getUser(node.store.db, name);
      const messages = await openMailbox(node).list(user.id, flag(p, 'all') ? 'all' : 'messages');
      if (flag(p, 'json')) return printJson(messages);
      if (messages.length === 0) return void console.log(`${user.name} has no ${flag(p, 'all') ? 'messages or missed calls' : 'voice messages'}`);
      printTable(['ID', 'RECEIVED', 'FROM', 'DURATION', 'STATE', 'READ', 'DELIVERY'], messages.map((m) => [
        String(m.id), m.receivedAt.replace('T', ' ').slice(0, 19), caller(m), m.state === 'stored' ? seconds(m.durationMs) : '-',
        m.state, m.read ? 'yes' : 'no', m.state === 'stored' ? m.delivery : '-']));
    });
  },
  async get(argv) {
    const p = parse('voicemail get', argv, {}, { min: 1, max: 1, usage: 'ID [--json]' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    await withNode(p, async (node) => show(await openMailbox(node).get(id), flag(p, 'json')));
  },
  async play(argv) {
    const p = parse('voicemail play', argv, { out: { type: 'string' }, force: { type: 'boolean' } }, { min: 1, max: 1, usage: 'ID --out FILE' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    const out = str(p, 'out');
    if (out === undefined && process.stdout.isTTY) {
      throw new OpenUmError('BAD_ARGUMENT', `voice message ${id} is audio: give --out FILE, or pipe it to a player (openum voicemail play ${id} | aplay)`);
    }
    if (out !== undefined) checkOutputFile(out, { force: flag(p, 'force') });
    await withNode(p, async (node) => {
      const mailbox = openMailbox(node);
      const { wav } = await mailbox.audio(id);
      if (out !== undefined) {
        writeOutputFile(out, wav, { secret: true, force: flag(p, 'force') });
        await mailbox.markRead(id, true);
        if (flag(p, 'json')) return printJson({ id, out, bytes: wav.length });
        return void console.error(`wrote voice message ${id} to ${out} (${wav.length} bytes); marked read`);
      }
      await new Promise<void>((resolve, reject) => process.stdout.write(wav, (e) => (e ? reject(e) : resolve())));
      await mailbox.markRead(id, true);
    });
  },
  async delete(argv) {
    const p = parse('voicemail delete', argv, {}, { min: 1, max: 1, usage: 'ID' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    await withNode(p, async (node) => {
      await openMailbox(node).delete(id, { actor: node.actor });
      if (flag(p, 'json')) return printJson({ deleted: id });
      console.log(`deleted voice message ${id}`);
    });
  },
  async 'play-on-phone'(argv) {
    const p = parse('voicemail play-on-phone', argv, { number: { type: 'string' }, wait: { type: 'boolean' } }, { min: 1, max: 1, usage: 'ID --number N [--wait]' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    const number = str(p, 'number');
    if (!number) throw new OpenUmError('BAD_ARGUMENT', 'give the number to call: openum voicemail play-on-phone ID --number N');
    await withNode(p, async (node) => {
      let call = await requestPlayOnPhone(node.store.db, node.actor, requireServer(node), id, number);
      if (flag(p, 'wait')) {
        // Bounded: ringing (60 s) plus the message (at most the plan's recording limit) plus margin.
        for (let i = 0; i < 7200 && !POP_FINAL.has(call.state); i++) {
          await new Promise((r) => setTimeout(r, 500));
          call = await getPlayOnPhone(node.store.db, call.id);
        }
      }
      showCall(call, flag(p, 'json'));
    });
  },
  async 'play-on-phone-status'(argv) {
    const p = parse('voicemail play-on-phone-status', argv, {}, { min: 1, max: 1, usage: 'CALL [--json]' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    await withNode(p, async (node) => showCall(await getPlayOnPhone(node.store.db, id), flag(p, 'json')));
  },
  async 'play-on-phone-cancel'(argv) {
    const p = parse('voicemail play-on-phone-cancel', argv, {}, { min: 1, max: 1, usage: 'CALL' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    await withNode(p, async (node) => showCall(await cancelPlayOnPhone(node.store.db, node.actor, id), flag(p, 'json')));
  },
  async read(argv) {
    const p = parse('voicemail read', argv, { unread: { type: 'boolean' } }, { min: 1, max: 1, usage: 'ID [--unread]' });
    if (p.values.help) return void console.log(HELP);
    const id = parseMessageId(p.positionals[0]);
    await withNode(p, async (node) => {
      const mailbox = openMailbox(node);
      await mailbox.markRead(id, !flag(p, 'unread'));
      const m = await mailbox.get(id);
      if (flag(p, 'json')) return printJson(m);
      console.log(`voice message ${id} marked ${m.read ? 'read' : 'unread'}`);
    });
  },
};

export const voicemailCommand = (argv: string[]) => runSubcommand('voicemail', commands, argv, HELP);

function showCall(c: PlayOnPhoneCall, json: boolean): void {
  if (json) return printJson(c);
  printFields([['Call', c.id], ['Message', c.messageId], ['Number', c.number], ['State', c.state],
    ['SIP status', c.sipStatus], ['Reason', c.reason], ['Worker', c.worker === null ? null : c.worker + 1], ['Updated', c.updatedAt]]);
}
