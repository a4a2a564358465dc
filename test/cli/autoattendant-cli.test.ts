// Auto attendants through the real `openum` command: new/set/get/list/remove, keys, holidays and
// greetings from a WAV file, readable output and --json, and refusals in one line that name the fix.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import type { AutoAttendant } from '../../src/org/auto-attendant-types.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('auto attendants through the CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let greeting: string;

  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.com');
    const samples = Buffer.alloc(8000 * 2);
    greeting = join(tmp.path, 'greeting.wav');
    writeFileSync(greeting, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, samples.length), samples]));
    for (const args of [
      ['dialplan', 'new', 'Contoso', '--extension-length', '4', '--access-number', '+14255550100'],
      ['user', 'new', 'alice', '--extension', '1001', '--dial-plan', 'Contoso', '--email', 'alice@contoso.com', '--display-name', 'Alice Smith'],
    ]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => tmp.cleanup());

  async function refusedCli(args: string[], code: keyof typeof ERROR_CODES, message: RegExp): Promise<void> {
    const r = await cli(args, { data });
    assert.equal(r.code, ERROR_CODES[code].exit, `openum ${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, message);
  }

  it('creates and configures an auto attendant, and shows it', async () => {
    const a = await cliJson<AutoAttendant>(['autoattendant', 'new', 'Main', '--dial-plan', 'Contoso', '--number', '+14255550199',
      '--time-zone', 'Europe/Rome', '--business-hours', 'Mon.08:00-Mon.18:00,Tue.08:00-Tue.18:00', '--operator', '1000', '--dial-by-name', 'last'], { data });
    assert.deepEqual([a.numbers, a.timeZone, a.businessHours, a.operatorExtension, a.dialByName], [['+14255550199'], 'Europe/Rome',
      ['Mon.08:00-Mon.18:00', 'Tue.08:00-Tue.18:00'], '1000', 'LastName']);
    for (const args of [
      ['autoattendant', 'key', 'Main', '1', '--hours', 'business', '--transfer', '1002'],
      ['autoattendant', 'key', 'Main', '2', '--hours', 'after', '--voicemail', 'alice'],
      ['autoattendant', 'key', 'Main', '3', '--hours', 'after', '--announcement', greeting],
      ['autoattendant', 'holiday', 'Main', 'Christmas', '--start', '2026-12-25', '--end', '2026-12-26'],
      ['autoattendant', 'greeting', 'Main', '--holiday', 'Christmas', '--file', greeting],
      ['autoattendant', 'greeting', 'Main', '--hours', 'business', '--file', greeting],
    ]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    }
    const text = await cli(['autoattendant', 'get', 'main'], { data });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Name:\s+Main$/m);
    assert.match(text.stdout, /^Business hours:\s+Mon\.08:00-Mon\.18:00, Tue\.08:00-Tue\.18:00$/m);
    assert.match(text.stdout, /^Holidays:\s+Christmas 2026-12-25\.\.2026-12-26 \(custom greeting\)$/m);
    assert.match(text.stdout, /^Business-hours keys:\s+1: transfer to 1002$/m);
    assert.match(text.stdout, /^After-hours keys:\s+2: voice mail of alice, 3: announcement$/m);
    assert.match(text.stdout, /^Business-hours greeting:\s+custom$/m);
    const table = await cli(['autoattendant', 'list'], { data });
    assert.match(table.stdout, /^NAME\s+DIAL PLAN\s+STATUS\s+TIME ZONE\s+PILOT NUMBERS\nMain\s+Contoso\s+enabled\s+Europe\/Rome\s+\+14255550199$/m);
    const audit = await cli(['audit'], { data });
    assert.match(audit.stdout, /autoattendant\.greeting\.set/);
  });

  it('refuses bad input in one line that names the fix, changing nothing', async () => {
    await refusedCli(['autoattendant', 'set', 'Main', '--time-zone', 'Mars/Olympus'], 'BAD_SETTING', /the time zone "Mars\/Olympus" does not exist; give an IANA time zone name/);
    await refusedCli(['autoattendant', 'set', 'Main', '--business-hours', 'Mon.08:00-Mon.18:10'], 'BAD_SETTING', /15-minute step/);
    await refusedCli(['autoattendant', 'new', 'Other', '--dial-plan', 'Contoso', '--number', '+14255550100'], 'OBJECT_EXISTS', /access number of the dial plan "Contoso"/);
    await refusedCli(['autoattendant', 'new', 'Other'], 'BAD_ARGUMENT', /needs --dial-plan DP/);
    await refusedCli(['autoattendant', 'key', 'Main', '0', '--hours', 'business', '--transfer', '1002'], 'BAD_SETTING', /key 0 is the operator/);
    await refusedCli(['autoattendant', 'key', 'Main', '4', '--hours', 'business'], 'BAD_ARGUMENT', /exactly one of --transfer/);
    await refusedCli(['autoattendant', 'key', 'Main', '4', '--transfer', '1002'], 'BAD_ARGUMENT', /needs --hours business or --hours after/);
    await refusedCli(['autoattendant', 'greeting', 'Main', '--hours', 'business', '--file', join(tmp.path, 'none.wav')], 'FILE_NOT_FOUND', /no such file/);
    await refusedCli(['autoattendant', 'holiday', 'Main', 'Easter', '--start', '2027-02-30'], 'BAD_SETTING', /YYYY-MM-DD/);
    await refusedCli(['autoattendant', 'get', 'Nope'], 'AUTO_ATTENDANT_NOT_FOUND', /no auto attendant is named "Nope"/);
    await refusedCli(['dialplan', 'remove', 'Contoso'], 'OBJECT_IN_USE', /auto attendants "Main"/);
    assert.equal((await cliJson<AutoAttendant>(['autoattendant', 'get', 'Main'], { data })).timeZone, 'Europe/Rome');
    const r = await cli(['autoattendant', 'remove', 'Main'], { data });
    assert.equal(r.stdout.trim(), 'removed auto attendant Main');
  });
});
