// `openum voicemail`, `openum smtp`, `openum user greeting` and `service set
// --min-recording-seconds` through the real command: what they print, what they change, and for
// every wrong argument one `error: …` line naming the fix, a non-zero exit and nothing changed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import wavefile from 'wavefile';
import type { ErrorCode } from '../../src/errors.js';
import { getGreeting } from '../../src/org/user-greetings.js';
import { findUser } from '../../src/org/users.js';
import { getMessage, recordNotified, type VoiceMessage } from '../../src/org/voice-messages.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { assertRefused, pool, StoreWatch } from '../support/cli-checks.js';
import { cli, CLI, cliJson, initData } from '../support/openum.js';
import { run, tempDir, type RunResult } from '../support/run.js';
import { addMessage, type StoredMessage } from '../support/voicemail.js';

interface Case { what: string; args: string[]; code: ErrorCode; match: RegExp[] }

/** A WAV that is not what the worker plays: 44.1 kHz, stereo, 24-bit, `seconds` long. */
function studioWav(seconds: number): Buffer {
  const n = Math.round(seconds * 44100);
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = Math.round(0.4 * 8388607 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    right[i] = left[i] ?? 0;
  }
  const w = new wavefile.WaveFile();
  w.fromScratch(2, 44100, '24', [left, right]);
  return Buffer.from(w.toBuffer());
}

describe('openum voicemail | smtp | user greeting', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  let watch: StoreWatch;
  let aliceId: number;
  let stored: StoredMessage;
  let missed: StoredMessage;
  const f = (name: string) => join(tmp.path, name);
  const must = async (args: string[]): Promise<RunResult> => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async () => {
    tmp = tempDir('openum-vm-cli-');
    data = f('data');
    watch = new StoreWatch(data);
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
    await must(['user', 'new', 'bob', '--extension', '1001', '--dial-plan', 'DP', '--email', 'bob@contoso.test']);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    stored = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId, seconds: 2, callerName: 'Marco Verdi', callerId: '+390612345' });
    missed = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId, state: 'missed' });
    writeFileSync(f('greeting.wav'), studioWav(1.5));
    writeFileSync(f('not-a-wav.wav'), 'RIFF? no, just text\n');
    writeFileSync(f('existing.wav'), 'keep me');
    const w = new wavefile.WaveFile();
    w.fromScratch(1, 8000, '8', new Uint8Array(8000 * 301).fill(128));
    writeFileSync(f('long.wav'), Buffer.from(w.toBuffer()));
  });
  after(async () => {
    await node?.close();
    tmp?.cleanup();
  });

  it('list: the table by default, JSON with --json, missed calls only with --all', async () => {
    const table = (await must(['voicemail', 'list', '--user', 'alice'])).stdout;
    assert.match(table, /^ID\s+RECEIVED\s+FROM\s+DURATION\s+STATE\s+READ\s+DELIVERY$/m);
    assert.match(table, new RegExp(`^${stored.id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+Marco Verdi <\\+390612345>\\s+2\\.0 s\\s+stored\\s+no\\s+pending$`, 'm'));
    assert.doesNotMatch(table, /missed/);
    const json = await cliJson<VoiceMessage[]>(['voicemail', 'list', '--user', 'alice'], { data });
    assert.deepEqual(json.map((m) => m.id), [stored.id]);
    const all = await cliJson<VoiceMessage[]>(['voicemail', 'list', '--user', 'alice', '--all'], { data });
    assert.deepEqual(all.map((m) => [m.id, m.state]), [[missed.id, 'missed'], [stored.id, 'stored']]);
    assert.match((await must(['voicemail', 'list', '--user', 'bob'])).stdout, /^bob has no voice messages$/m);
  });

  it('play: --out writes the WAV and marks it read; a pipe gets the bytes; a terminal gets one error line', async () => {
    await must(['voicemail', 'play', String(stored.id), '--out', f('out.wav')]);
    assert.ok(readFileSync(f('out.wav')).equals(stored.wav));
    assert.equal((await getMessage(node.store.db, stored.id)).read, true);
    await must(['voicemail', 'read', String(stored.id), '--unread']);
    assert.equal((await getMessage(node.store.db, stored.id)).read, false);

    const piped = await must(['voicemail', 'play', String(stored.id)]);
    assert.ok(piped.stdoutBuffer.equals(stored.wav), 'stdout is the WAV, byte for byte');
    assert.equal((await getMessage(node.store.db, stored.id)).read, true);

    // util-linux script(1) gives the command a terminal as stdout.
    const tty = await run('script', ['-qec', `${process.execPath} ${CLI} voicemail play ${stored.id} --data ${data}`, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    assert.notEqual(tty.code, 0);
    assert.match(tty.stdout, /error: voice message \d+ is audio: give --out FILE, or pipe it to a player \(openum voicemail play \d+ \| aplay\)/);
    assert.doesNotMatch(tty.stdout, /RIFF/);
  });

  it('read and delete: the row goes with its audio file, and the delete is audited', async () => {
    const extra = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId });
    assert.match((await must(['voicemail', 'read', String(extra.id)])).stdout, new RegExp(`voice message ${extra.id} marked read`));
    await must(['voicemail', 'delete', String(extra.id)]);
    assert.equal(existsSync(extra.file), false);
    const audit = await cliJson<{ action: string; target: string }[]>(['audit', '--limit', '5'], { data });
    assert.ok(audit.some((a) => a.action === 'voicemail.delete' && a.target === `message ${extra.id}`));
    watch.changed();
  });

  it('smtp set|show|clear and service set --min-recording-seconds', async () => {
    assert.match((await must(['smtp', 'show'])).stdout, /no SMTP server is configured/);
    const set = await cliJson<{ host: string; port: number; security: string; effectiveFrom: string }>(
      ['smtp', 'set', '--host', 'Mail.Contoso.Test', '--port', '587', '--security', 'require-starttls'], { data });
    assert.deepEqual(set, { host: 'mail.contoso.test', port: 587, security: 'require-starttls', from: null, effectiveFrom: 'voicemail@um.contoso.test' });
    await must(['smtp', 'set', '--from', 'UM@Contoso.Test']);
    assert.match((await must(['smtp', 'show'])).stdout, /From: +um@contoso\.test/);
    const cleared = await cliJson<{ host: string | null }>(['smtp', 'clear'], { data });
    assert.equal(cleared.host, null);
    const svc = await cliJson<{ minRecordingMs: number }>(['service', 'set', '--min-recording-seconds', '1.5'], { data });
    assert.equal(svc.minRecordingMs, 1500);
    watch.changed();
  });

  it('user greeting --file converts any PCM WAV to 8 kHz mono 16-bit; --clear removes it', async () => {
    const r = await cliJson<{ durationMs: number }>(['user', 'greeting', 'alice', '--file', f('greeting.wav')], { data });
    assert.equal(r.durationMs, 1500);
    const g = await getGreeting(node.store.db, aliceId);
    assert.ok(g);
    const w = new wavefile.WaveFile(g.wav);
    const fmt = w.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number; audioFormat: number };
    assert.deepEqual([fmt.audioFormat, fmt.numChannels, fmt.sampleRate, fmt.bitsPerSample], [1, 1, 8000, 16]);
    assert.equal(g.wav.length, 44 + 1.5 * 8000 * 2);
    assert.match((await must(['user', 'greeting', 'alice', '--clear'])).stdout, /greeting of alice removed/);
    assert.equal(await getGreeting(node.store.db, aliceId), undefined);
    watch.changed();
  });

  it('every wrong argument: one error line naming the fix, a non-zero exit, nothing changed', async () => {
    const before = await watch.current();
    const cases: Case[] = [
      { what: 'list without --user', args: ['voicemail', 'list'], code: 'BAD_ARGUMENT', match: [/needs --user NAME/] },
      { what: 'list unknown user', args: ['voicemail', 'list', '--user', 'nobody'], code: 'UM_USER_NOT_FOUND', match: [/"nobody"/, /openum user list/] },
      { what: 'play bad id', args: ['voicemail', 'play', 'abc', '--out', f('x.wav')], code: 'BAD_ARGUMENT', match: [/"abc" is not a voice message id/] },
      { what: 'play unknown id', args: ['voicemail', 'play', '99999', '--out', f('x.wav')], code: 'VOICE_MESSAGE_NOT_FOUND', match: [/no voice message has id 99999/] },
      { what: 'play a missed call', args: ['voicemail', 'play', String(missed.id), '--out', f('x.wav')], code: 'AUDIO_NOT_FOUND', match: [/missed call/] },
      { what: 'play over an existing file', args: ['voicemail', 'play', String(stored.id), '--out', f('existing.wav')], code: 'FILE_EXISTS', match: [/--force/] },
      { what: 'play into a missing directory', args: ['voicemail', 'play', String(stored.id), '--out', f('no/dir.wav')], code: 'FILE_NOT_FOUND', match: [/does not exist/] },
      { what: 'delete unknown id', args: ['voicemail', 'delete', '99999'], code: 'VOICE_MESSAGE_NOT_FOUND', match: [/99999/] },
      { what: 'delete id 0', args: ['voicemail', 'delete', '0'], code: 'BAD_ARGUMENT', match: [/whole number/] },
      { what: 'read unknown id', args: ['voicemail', 'read', '99999'], code: 'VOICE_MESSAGE_NOT_FOUND', match: [/99999/] },
      { what: 'unknown sub-command', args: ['voicemail', 'listen'], code: 'UNKNOWN_COMMAND', match: [/choose one of: list/] },
      { what: 'smtp set without a host', args: ['smtp', 'set', '--port', '25'], code: 'BAD_ARGUMENT', match: [/--host/] },
      { what: 'smtp set nothing', args: ['smtp', 'set'], code: 'BAD_ARGUMENT', match: [/nothing to change/] },
      { what: 'smtp bad host', args: ['smtp', 'set', '--host', 'not a host'], code: 'BAD_SETTING', match: [/neither an IP address nor an FQDN/] },
      { what: 'smtp empty host', args: ['smtp', 'set', '--host', ''], code: 'BAD_ARGUMENT', match: [/openum smtp clear/] },
      { what: 'smtp bad port', args: ['smtp', 'set', '--host', 'mail.contoso.test', '--port', '70000'], code: 'BAD_SETTING', match: [/port number from 1 to 65535/] },
      { what: 'smtp bad security', args: ['smtp', 'set', '--host', 'mail.contoso.test', '--security', 'ssl'], code: 'BAD_SETTING', match: [/none, starttls, require-starttls, tls/] },
      { what: 'smtp bad from', args: ['smtp', 'set', '--host', 'mail.contoso.test', '--from', 'voicemail'], code: 'BAD_SETTING', match: [/alice@contoso\.com/] },
      { what: 'min recording 61', args: ['service', 'set', '--min-recording-seconds', '61'], code: 'BAD_SETTING', match: [/from 0 to 60/] },
      { what: 'min recording -1', args: ['service', 'set', '--min-recording-seconds=-1'], code: 'BAD_SETTING', match: [/from 0 to 60/] },
      { what: 'greeting without --file or --clear', args: ['user', 'greeting', 'alice'], code: 'BAD_ARGUMENT', match: [/--file greeting\.wav .* or --clear/] },
      { what: 'greeting with both', args: ['user', 'greeting', 'alice', '--file', f('greeting.wav'), '--clear'], code: 'BAD_ARGUMENT', match: [/either/] },
      { what: 'greeting missing file', args: ['user', 'greeting', 'alice', '--file', f('missing.wav')], code: 'FILE_NOT_FOUND', match: [/no such file/] },
      { what: 'greeting not a WAV', args: ['user', 'greeting', 'alice', '--file', f('not-a-wav.wav')], code: 'BAD_AUDIO', match: [/not a WAV file/, /sox/] },
      { what: 'greeting too long', args: ['user', 'greeting', 'alice', '--file', f('long.wav')], code: 'BAD_AUDIO', match: [/301\.0 s/, /at most 5 minutes/] },
      { what: 'greeting unknown user', args: ['user', 'greeting', 'nobody', '--file', f('greeting.wav')], code: 'UM_USER_NOT_FOUND', match: [/"nobody"/] },
    ];
    const results = await pool(cases.map((c) => () => cli(c.args, { data })));
    cases.forEach((c, i) => assertRefused(results[i] as RunResult, c.what, c));
    await watch.assertUnchanged(before, 'refused voicemail/smtp/greeting commands');
    assert.equal(existsSync(f('x.wav')), false);
    assert.equal(readFileSync(f('existing.wav'), 'utf8'), 'keep me');
    assert.equal(await getGreeting(node.store.db, aliceId), undefined);
  });

  it('user remove takes the messages, their audio, the greeting and the MWI state with it', async () => {
    await must(['user', 'greeting', 'alice', '--file', f('greeting.wav')]);
    await recordNotified(node.store.db, { userId: aliceId, unread: 1, read: 0 });
    assert.ok(existsSync(stored.file));
    await must(['user', 'remove', 'alice']);
    assert.equal(existsSync(stored.file), false, 'audio file deleted');
    const db = node.store.db;
    assert.equal((await db.selectFrom('voice_messages').select('id').where('user_id', '=', aliceId).execute()).length, 0);
    assert.equal(await getGreeting(db, aliceId), undefined);
    assert.equal((await db.selectFrom('mwi_state').select('user_id').where('user_id', '=', aliceId).execute()).length, 0);
  });
});
