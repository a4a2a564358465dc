// A receiving SMTP server for the bounded scripts (smtp-server, plain SMTP on one loopback
// address): keeps no mail, only counts, per X-OpenUM-Message-Key header (the voice message's key;
// src/services/voicemail/mail-message.ts), how many times each message arrived, and the bytes.
import { SMTPServer } from 'smtp-server';

export async function smtpSink(address) {
  const byKey = new Map();
  const stats = { mails: 0, bytes: 0, withoutKey: 0, missedCallNotices: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onData(stream, _session, callback) {
      let head = '';
      let bytes = 0;
      stream.on('data', (c) => {
        bytes += c.length;
        if (head.length < 16384 && !head.includes('\r\n\r\n')) head += c.toString('latin1');
      });
      stream.on('end', () => {
        const headers = head.split('\r\n\r\n')[0];
        const key = /^X-OpenUM-Message-Key:\s*(\S+)/im.exec(headers)?.[1];
        stats.mails++;
        stats.bytes += bytes;
        if (/^X-OpenUM-Missed-Call:/im.test(headers)) stats.missedCallNotices++;
        if (key) byKey.set(key, (byKey.get(key) ?? 0) + 1);
        else stats.withoutKey++;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  const port = await new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, address, () => resolve(server.server.address().port));
  });
  return {
    port, byKey, stats,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
