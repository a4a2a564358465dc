// Voice-mail test plumbing: a real SMTP server (smtp-server) on a loopback address that keeps
// what it receives, voice messages put in a store the way a worker would (row + WAV file), a
// silent logger, and polling for a condition with a deadline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Kysely } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino, type Logger } from 'pino';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { beginMessage, completeMessage, newMessageKey } from '../../src/org/voice-messages.js';
import { messageAudioKey as audioPathFor } from '../../src/store/audio/audio-store.js';
import type { Database } from '../../src/store/schema.js';

export const silentLog = (): Logger => pino({ level: 'silent' });

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A TCP port that was free on `address` a moment ago. */
export function freePortOn(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, address, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `seconds` of a 440 Hz tone as 8 kHz mono 16-bit PCM WAV. */
export function toneWav(seconds: number): Buffer {
  const n = Math.round(seconds * 8000);
  const pcm = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, pcm.length), pcm]);
}

export interface StoredMessage {
  id: number;
  key: string;
  audioPath: string;
  file: string;
  wav: Buffer;
}

/** A message as a worker leaves it: the row begun and completed, the WAV in DATA/voicemail. */
export async function addMessage(db: Kysely<Database>, dataDir: string, m: {
  serverName: string; userId: number; seconds?: number; callerId?: string; callerName?: string; worker?: number;
  state?: 'stored' | 'missed' | 'recording';
}): Promise<StoredMessage> {
  const key = newMessageKey();
  const audioPath = audioPathFor(key);
  const file = join(dataDir, audioPath);
  const wav = toneWav(m.seconds ?? 3);
  mkdirSync(dirname(file), { recursive: true });
  if (m.state !== 'missed') writeFileSync(file, wav);
  const id = await beginMessage(db, {
    key, serverName: m.serverName, worker: m.worker ?? 0, userId: m.userId, callerId: m.callerId ?? '+39021234567',
    callerName: m.callerName ?? 'Carla Rossi', called: '1000', callId: `${key}@gw`, audioPath, audioFormat: 'WAV',
  });
  if (m.state !== 'recording') {
    await completeMessage(db, id, { state: m.state ?? 'stored', durationMs: m.state === 'missed' ? 500 : (m.seconds ?? 3) * 1000, reason: 'hangup' });
  }
  return { id, key, audioPath, file, wav };
}

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  session: SMTPServerSession;
  /** SHA-1 of the client certificate the sender presented (upper-case hex), if any. */
  clientCertificate: string | undefined;
  secure: boolean;
  envelopeFrom: string | undefined;
  envelopeTo: string[];
}

export interface SmtpSink {
  address: string;
  port: number;
  received: ReceivedMail[];
  /** Sessions refused by `onSecure` (client certificate checks). */
  refused: string[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on `address` (port 0: ephemeral). `fail(n)` may refuse the n-th DATA (from
 * 1) with a reply code; `checkClient` sees the client certificate's thumbprint after TLS.
 */
export async function smtpSink(address: string, options: {
  tls?: Pick<SMTPServerOptions, 'key' | 'cert' | 'ca' | 'requestCert' | 'rejectUnauthorized'>;
  secure?: boolean;
  noStartTls?: boolean;
  fail?: (n: number) => { code: number; text: string } | undefined;
  checkClient?: (thumbprint: string | undefined) => string | undefined;
} = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const refused: string[] = [];
  const peer = new Map<string, string | undefined>();
  let attempts = 0;
  const server = new SMTPServer({
    secure: options.secure ?? false,
    ...(options.tls ?? {}),
    ...(options.tls ? {} : { disabledCommands: ['STARTTLS'] }),
    ...(options.noStartTls ? { hideSTARTTLS: true } : {}),
    authOptional: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onSecure(socket, session, callback) {
      const cert = (socket as TLSSocket).getPeerCertificate?.();
      const thumbprint = cert && 'fingerprint' in cert && cert.fingerprint ? cert.fingerprint.replace(/:/g, '').toUpperCase() : undefined;
      peer.set(session.id, thumbprint);
      const why = options.checkClient?.(thumbprint);
      if (why) {
        refused.push(why);
        return callback(Object.assign(new Error(why), { responseCode: 530 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const n = ++attempts;
        const failure = options.fail?.(n);
        if (failure) return callback(Object.assign(new Error(failure.text), { responseCode: failure.code }));
        const raw = Buffer.concat(chunks);
        // The session's envelope is reset for the next message: copy it now.
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        const secure = session.secure;
        void simpleParser(raw).then((parsed) => {
          received.push({ raw, parsed, session, clientCertificate: peer.get(session.id), secure, envelopeFrom, envelopeTo });
          callback();
        }, (e: unknown) => callback(e as Error));
      });
    },
  });
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, address, () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    address, port, received, refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
