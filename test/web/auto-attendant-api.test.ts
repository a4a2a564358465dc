// /api/autoattendants of a running `openum start`: the CLI's objects, rules and messages, strict
// bodies, base64 WAV greetings and announcements, and the error codes' HTTP statuses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import type { AutoAttendant } from '../../src/org/auto-attendant-types.js';
import { api as call0 } from '../support/api.js';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('auto attendant admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let call: (method: string, path: string, body?: unknown) => ReturnType<typeof call0>;

  before(async () => {
    tmp = tempDir();
    const data = join(tmp.path, 'data');
    const { token } = await initData(data, 'um.contoso.com');
    server = await startServer(data);
    call = (method, path, body) => call0(server.port, method, path, { token, body });
  });
  after(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('creates, configures and removes an auto attendant with the CLI rules', async () => {
    assert.equal((await call('POST', '/api/dialplans', { name: 'Contoso', extensionLength: 4 })).status, 201);
    let r = await call('POST', '/api/autoattendants', { name: 'Main', dialPlan: 'Contoso', numbers: ['+14255550199'], timeZone: 'America/New_York',
      businessHours: ['Mon.09:00-Mon.17:00'], dialByName: 'first' });
    assert.equal(r.status, 201, JSON.stringify(r.json()));
    r = await call('POST', '/api/autoattendants', { name: 'Bad', dialPlan: 'Contoso', timeZone: 'Mars/Olympus' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { error: 'BAD_SETTING',
      message: 'the time zone "Mars/Olympus" does not exist; give an IANA time zone name such as Europe/Rome, America/New_York or UTC' });
    assert.equal((await call('POST', '/api/autoattendants', { name: 'Bad', dialPlan: 'Contoso', colour: 'red' })).status, 400);

    r = await call('PUT', '/api/autoattendants/Main/keys/business/1', { action: 'transfer', target: 1002 });
    assert.equal(r.status, 200, JSON.stringify(r.json()));
    const samples = Buffer.alloc(1600);
    const data = Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, samples.length), samples]).toString('base64');
    r = await call('PUT', '/api/autoattendants/Main/keys/after/2', { action: 'announcement', data });
    assert.equal(r.status, 200, JSON.stringify(r.json()));
    r = await call('PUT', '/api/autoattendants/Main/keys/after/0', { action: 'transfer', target: '1002' });
    assert.equal(r.status, 400);
    assert.match((r.json() as { message: string }).message, /key 0 is the operator/);
    assert.equal((await call('PUT', '/api/autoattendants/Main/holidays/Christmas', { startDate: '2026-12-25' })).status, 200);
    assert.equal((await call('PUT', '/api/autoattendants/Main/holidays/Christmas/greeting', { data })).status, 200);
    r = await call('PUT', '/api/autoattendants/Main/greetings/after', { data: Buffer.from('not a wav').toString('base64') });
    assert.equal(r.status, 400);
    assert.equal((r.json() as { error: string }).error, 'BAD_AUDIO');
    assert.equal((await call('PUT', '/api/autoattendants/Main/greetings/after', { data })).status, 200);

    const a = (await call('GET', '/api/autoattendants/main')).json() as AutoAttendant;
    assert.deepEqual([a.timeZone, a.businessHours, a.dialByName, a.greetings, a.holidays.map((h) => [h.name, h.greeting])],
      ['America/New_York', ['Mon.09:00-Mon.17:00'], 'FirstName', { businessHours: 'system', afterHours: 'custom' }, [['Christmas', 'custom']]]);
    assert.deepEqual(a.keys, { business: [{ key: '1', action: 'transfer', extension: '1002' }], after: [{ key: '2', action: 'announcement' }] });
    r = await call('PATCH', '/api/autoattendants/Main', { enabled: false, operatorExtension: '1000' });
    assert.deepEqual([(r.json() as AutoAttendant).enabled, (r.json() as AutoAttendant).operatorExtension], [false, '1000']);
    assert.equal((await call('DELETE', '/api/autoattendants/Main/keys/business/1')).status, 200);
    assert.equal((await call('DELETE', '/api/autoattendants/Main/holidays/Christmas')).status, 200);
    assert.equal((await call('GET', '/api/autoattendants/Nope')).status, 404);
    assert.equal((await call('DELETE', '/api/autoattendants/Main')).status, 204);
    assert.deepEqual((await call('GET', '/api/autoattendants')).json(), []);
  });
});
