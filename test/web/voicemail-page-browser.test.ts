// The voice-mail page in a real browser (Chromium through playwright-core) against a real
// `openum start` with SIP: alice is invited (`openum user invite alice`), the link comes from the
// e-mail a real smtp-server received; she sets her password, plays, downloads and deletes the
// message a SIPp call left, calls her phone (a SIPp UAS behind the gateway) with Play on Phone and
// watches it complete, uploads a greeting and records her name with Chromium's fake microphone.
// The options page is also checked at a phone's width (390×844).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, newContext, pageErrors } from '../support/browser.js';
import { cli } from '../support/openum.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps } from '../support/peers/sipp-voicemail.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { smtpSink, toneWav, waitFor, type SmtpSink } from '../support/voicemail.js';
import { greetingSeconds, messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.115.10';
const GATEWAY = '127.0.115.11';
const SMTP = '127.0.115.12';
const PASSWORD = 'correct horse battery';
const CALLER = '+15551230001';
/** What the test reads of an <audio> element (the DOM types are not in the server's tsconfig). */
interface Media { currentTime: number; duration: number; ended: boolean }

/** The page's width and the elements that reach past the screen (run in the page). */
const WIDEST = `(() => {
  const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth)
    .slice(0, 8).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ':' + Math.round(e.getBoundingClientRect().right));
  return { width: document.documentElement.scrollWidth, wide };
})()`;

const missing = [chromiumMissing(), sippAvailable() ? '' : 'sipp', sippPcapsMissing()].filter(Boolean).join(', ');

describe('voice-mail page in Chromium', { skip: missing ? `not installed: ${missing}` : false, timeout: 240_000 }, () => {
  let site: UmSite;
  let smtp: SmtpSink;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let newPin = '';

  before(async () => {
    smtp = await smtpSink(SMTP);
    site = await startSite(ADDRESS, {
      gatewayAddress: GATEWAY,
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '43000-43999'], data);
        await must(['dialplan', 'set', 'DP', '--outdial-allowed', '1XXX,9XXXXXXXXX'], data);
        await must(['gateway', 'set', 'GW', '--outcalls', 'on'], data);
        // SIPp leaves the message from the site's own address: a gateway there too, placing no calls.
        await must(['gateway', 'new', 'GW-IN', '--address', ADDRESS, '--dial-plan', 'DP', '--outcalls', 'off'], data);
        await must(['smtp', 'set', '--host', SMTP, '--port', String(smtp.port), '--security', 'none', '--from', 'voicemail@um.contoso.test'], data);
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await ctx?.close();
    await browser?.close();
    await site?.stop();
    await smtp?.close();
  });

  it('a SIPp caller leaves alice a voice message', async () => {
    const pcaps = await voicemailPcaps(site.tmp.path);
    const known = await messageIds(site.data, 'alice');
    const scenario = renderVoicemailScenario(join(site.tmp.path, 'leave.xml'), {
      ending: 'dtmf', audioPcap: pcaps.withHash, greetingMs: Math.round(greetingSeconds('1000') * 1000) + 150, byeWaitMs: 25_000,
    });
    const r = await runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 45, mediaPort: 32150, localPort: 15160,
      keys: { service: '4000', from_user: CALLER }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
    });
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-3000)}\n${site.server.stderr().slice(-3000)}`);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored');
  });

  it('sets the password from the invitation link of the e-mail and lands in the inbox', async () => {
    const r = await cli(['user', 'invite', 'alice'], { data: site.data });
    assert.equal(r.code, 0, r.stderr);
    const mail = await waitFor('the invitation mail', () => smtp.received.find((x) => /web password/i.test(x.parsed.subject ?? '')), 15_000);
    const link = /https:\/\/\S+\/set-password\?token=[\w-]+/.exec(mail.parsed.text ?? '')?.[0];
    assert.ok(link, mail.parsed.text);
    const url = new URL(link);

    ctx = await newContext(browser, site.server.port);
    page = await ctx.newPage();
    errors = pageErrors(page);
    await page.goto(url.pathname + url.search);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('New password again').fill('not the same one');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    await page.getByLabel('New password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('heading', { name: 'Voice mail' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/voicemail');
    await page.getByText('1 messages, 1 new').waitFor();
  });

  it('plays the message in the browser (marked read), downloads it, and marks it unread again', async () => {
    const item = page.getByRole('listitem').filter({ hasText: CALLER });
    await item.getByText('New', { exact: true }).waitFor();
    await item.getByRole('button', { name: 'Play', exact: true }).click();
    const audio = item.locator('audio');
    await waitFor('the audio to play', () => audio.evaluate((a: Media) => a.currentTime > 0.5), 15_000);
    // The browser asked for the audio with Range (it seeks): seek near the end and play on.
    await audio.evaluate((a: Media) => { a.currentTime = Math.max(0, a.duration - 1); });
    await waitFor('the audio to end', () => audio.evaluate((a: Media) => a.ended), 15_000);
    await item.getByText('Saved', { exact: true }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: 'Download' }).click()]);
    const file = join(site.tmp.path, 'downloaded.wav');
    await download.saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 4).toString(), 'RIFF');
    await item.getByRole('button', { name: 'Mark as unread' }).click();
    await item.getByText('New', { exact: true }).waitFor();
    const listed = await page.evaluate(async () => (await (await fetch('/api/me/messages')).json()) as { messages: { read: boolean }[] });
    assert.equal(listed.messages[0]?.read, false);
  });

  it('plays the message on the phone (a SIPp UAS behind the gateway) and shows it completed', async () => {
    const phone = await startSippUas({ scenario: 'uas-answer', address: GATEWAY, port: 5060, calls: 1, timeoutSec: 90, transport: 'u1', extraArgs: ['-mp', '33150'] });
    const item = page.getByRole('listitem').filter({ hasText: CALLER });
    await item.getByRole('button', { name: 'Play on phone' }).click();
    await item.getByLabel('Phone number to call').fill('9123456789');
    await item.getByRole('button', { name: 'Call and play' }).click();
    const status = item.getByRole('status');
    await status.getByText(/Calling|ringing|Playing|Completed/).first().waitFor({ timeout: 30_000 });
    await status.getByText('Completed: the message was played on 9123456789.').waitFor({ timeout: 60_000 });
    const sipp = await phone.done;
    assert.equal(sipp.code, 0, `SIPp: ${sipp.errors}\n${sipp.messages.slice(-3000)}`);
  });

  it('deletes the message after a confirmation', async () => {
    const item = page.getByRole('listitem').filter({ hasText: CALLER });
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await item.getByRole('button', { name: 'Cancel', exact: true }).click();
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await item.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('No messages.').waitFor();
    assert.deepEqual(await messageIds(site.data, 'alice'), []);
  });

  it('uploads a greeting, records the recorded name with the microphone, and saves the settings', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Options' }).click();
    await page.getByRole('heading', { name: 'Voice-mail options' }).waitFor();
    const greeting = page.getByRole('region', { name: 'Personal greeting' });
    const wav = join(site.tmp.path, 'greeting.wav');
    writeFileSync(wav, toneWav(2));
    await greeting.getByLabel('Upload a WAV file as the Personal greeting').setInputFiles(wav);
    await greeting.getByText('Saved.').waitFor();
    await greeting.getByLabel('Current Personal greeting').waitFor();

    const name = page.getByRole('region', { name: 'Recorded name' });
    await name.getByRole('button', { name: 'Record with the microphone' }).click();
    await name.getByText('Recording…').waitFor();
    await page.waitForTimeout(1500);
    await name.getByRole('button', { name: 'Stop recording' }).click();
    await name.getByLabel('Your recording', { exact: true }).first().waitFor();
    await name.getByRole('button', { name: 'Keep this recording' }).click();
    await name.getByText('Saved.').waitFor();

    const settings = page.getByRole('region', { name: 'Calls' });
    await settings.getByLabel('E-mail me about missed calls').selectOption('off');
    await settings.getByLabel('Language of the phone prompts').selectOption('it');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByText('Saved.').waitFor();
    const me = await page.evaluate(async () => (await (await fetch('/api/me')).json()) as Record<string, unknown>);
    assert.equal(me.hasGreeting, true);
    assert.equal(me.hasRecordedName, true);
    assert.equal(me.missedCallNotifications, false);
    assert.equal(me.language, 'it');
  });

  it('shows a new PIN once, and fits a phone screen in Italian', async () => {
    const pin = page.getByRole('region', { name: 'Voice-mail PIN' });
    await pin.getByRole('button', { name: 'Get a new PIN' }).click();
    await pin.getByRole('button', { name: 'Get a new PIN' }).click();
    await pin.locator('.pin').waitFor();
    newPin = await pin.locator('.pin').innerText();
    assert.match(newPin, /^\d{4,}$/);

    const phone = await ctx.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto('/voicemail/options');
    await phone.locator('header select').selectOption('it');
    await phone.getByRole('heading', { name: 'Opzioni della segreteria' }).waitFor();
    await phone.getByLabel('Lingua dei messaggi al telefono').waitFor();
    const { width, wide } = (await phone.evaluate(WIDEST)) as { width: number; wide: string[] };
    assert.ok(width <= 390, `the page is ${width} px wide on a 390 px screen: ${wide.join(', ')}`);
    await phone.close();
  });

  it('signs out, and sets a new password with the e-mail address and the voice-mail PIN', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'No password yet? Set one with your voice-mail PIN' }).click();
    await page.getByRole('heading', { name: 'Set a password with your PIN' }).waitFor();
    await page.getByLabel('E-mail address').fill('alice@contoso.test');
    await page.getByLabel('Voice-mail PIN').fill(newPin);
    await page.getByLabel('New password', { exact: true }).fill('another long password');
    await page.getByLabel('New password again').fill('another long password');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('heading', { name: 'Voice mail' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/voicemail');
    assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  });
});
