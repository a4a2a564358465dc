// The e-mail that carries a voice message (Exchange UM's "Voice Mail from …" message): subject and
// text naming the caller, the called user, the time and the duration, the recording attached, and
// a Message-ID made from the message key (RFC 5322 §3.6.4), so a retried send is recognisably
// the same message to the receiving side.
import type { UmUser } from '../../org/organisation-types.js';
import type { VoiceMessage } from '../../org/voice-messages.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface MailParts {
  message: VoiceMessage;
  user: UmUser;
  from: string;
  fqdn: string;
  /** The recording (WAV). */
  audio: Buffer;
}

/** "1:05" for 65 000 ms; a recording under a second reads "0:01". */
export function formatDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The caller as people read it: "Name <number>", the number alone, or "an unknown caller". */
export function callerLabel(m: Pick<VoiceMessage, 'callerId' | 'callerName'>): string {
  const id = m.callerId.replace(/^sips?:/i, '').replace(/@.*$/, '');
  // A gateway often puts the number in the display name too: say it once.
  if (m.callerName && id && m.callerName.replace(/^sips?:/i, '').replace(/@.*$/, '') !== id) return `${m.callerName} (${id})`;
  if (m.callerName && id) return id;
  return m.callerName || id || 'an unknown caller';
}

export function messageIdFor(key: string, fqdn: string): string {
  return `<${key}.voicemail@${fqdn}>`;
}

/** The attachment's name: voicemail-YYYYMMDD-HHMMSS.wav, in UTC. */
export function attachmentName(receivedAt: string): string {
  const stamp = receivedAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `voicemail-${stamp}.wav`;
}

export function composeMail(p: MailParts): Mail.Options {
  const { message: m, user } = p;
  const caller = callerLabel(m);
  const duration = formatDuration(m.durationMs);
  const received = new Date(m.receivedAt);
  const to = user.displayName ? `${user.displayName} <${user.email}>` : user.email;
  const text = [
    `You received a voice message from ${caller}.`,
    '',
    `From:      ${caller}`,
    `To:        ${user.displayName || user.name} (extension ${user.extension}${m.called && m.called !== user.extension ? `, called ${m.called}` : ''})`,
    `Received:  ${received.toUTCString()}`,
    `Duration:  ${duration}`,
    '',
    `The recording is attached (${attachmentName(m.receivedAt)}, WAV).`,
    '',
  ].join('\n');
  return {
    from: p.from,
    to,
    envelope: { from: p.from, to: user.email },
    subject: `Voice mail from ${caller} (${duration})`,
    text,
    date: received,
    messageId: messageIdFor(m.key, p.fqdn),
    headers: { 'X-OpenUM-Message-Key': m.key },
    attachments: [{ filename: attachmentName(m.receivedAt), content: p.audio, contentType: 'audio/wav' }],
  };
}

/**
 * Exchange UM's missed-call notification: a caller hung up before leaving a message. No
 * attachment; its own Message-ID, so it never looks like the voice message of the same key.
 */
export function composeMissedCallMail(p: Omit<MailParts, 'audio'>): Mail.Options {
  const { message: m, user } = p;
  const caller = callerLabel(m);
  const received = new Date(m.receivedAt);
  const text = [
    `You missed a call from ${caller}. The caller did not leave a message.`,
    '',
    `From:      ${caller}`,
    `To:        ${user.displayName || user.name} (extension ${user.extension}${m.called && m.called !== user.extension ? `, called ${m.called}` : ''})`,
    `Received:  ${received.toUTCString()}`,
    '',
  ].join('\n');
  return {
    from: p.from,
    to: user.displayName ? `${user.displayName} <${user.email}>` : user.email,
    envelope: { from: p.from, to: user.email },
    subject: `Missed call from ${caller}`,
    text,
    date: received,
    messageId: `<${m.key}.missedcall@${p.fqdn}>`,
    headers: { 'X-OpenUM-Message-Key': m.key, 'X-OpenUM-Missed-Call': 'yes' },
  };
}
