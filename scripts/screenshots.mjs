#!/usr/bin/env node
// Screenshots of the web app for docs/screenshots/: starts `openum start` on a throw-away data
// directory with sample data (dial plans, a gateway, users, a CA-style certificate request), signs
// in as the administrator in Chromium (playwright-core) and saves PNGs of the main pages; then, as a
// user (invited, password set), the voice-mail inbox when the user pages exist.
// Run after `npm run build`. Loopback only, bounded: every wait has a timeout, the server is
// stopped and the data directory removed at the end.
//   OPENUM_SCREENSHOT_ADDRESS  loopback address for the SIP roles (default 127.0.114.10)
//   OPENUM_TEST_CHROMIUM       the Chromium binary (default /usr/bin/chromium)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const OUT = join(root, 'docs', 'screenshots');
const SIP = process.env.OPENUM_SCREENSHOT_ADDRESS ?? '127.0.114.10';
const CHROMIUM = process.env.OPENUM_TEST_CHROMIUM ?? '/usr/bin/chromium';
const FQDN = 'um.contoso.com';

if (!/^127\./.test(SIP)) throw new Error(`OPENUM_SCREENSHOT_ADDRESS must be a loopback address (127.x.y.z), not ${SIP}`);
if (!existsSync(CLI) || !existsSync(join(root, 'dist', 'ui', 'index.html'))) throw new Error('run `npm run build` first');

const tmp = mkdtempSync(join(tmpdir(), 'openum-shots-'));
const data = join(tmp, 'data');

function openum(args) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openum ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function start() {
  const child = spawn(process.execPath, [CLI, 'start', '--data', data, '--admin-address', '127.0.0.1', '--admin-port', '0', '--sip-address', SIP], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the server did not start in 20 s: ${out}`)); }, 20_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /admin API listening on https:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }); }
    });
    child.stderr.on('data', (d) => { out += d.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited ${code}: ${out}`)); });
  });
}

async function main() {
  const install = openum(['init', '--fqdn', FQDN]);
  const token = /administrator token[^:]*: (oum_\S+)/.exec(install)?.[1];
  if (!token) throw new Error(`no token in: ${install}`);
  openum(['dialplan', 'new', 'Contoso', '--extension-length', '4', '--access-number', '+390212345000']);
  openum(['dialplan', 'new', 'Contoso-Secure', '--extension-length', '4', '--security', 'Secured']);
  openum(['gateway', 'new', 'SBC-Milan', '--address', 'sbc1.contoso.com', '--dial-plan', 'Contoso']);
  openum(['gateway', 'new', 'SBC-Madrid', '--address', 'sbc2.contoso.com', '--dial-plan', 'Contoso-Secure']);
  openum(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'Contoso', '--email', 'alice@contoso.com', '--display-name', 'Alice Rossi']);
  openum(['user', 'new', 'bob', '--extension', '1001', '--dial-plan', 'Contoso', '--email', 'bob@contoso.com', '--display-name', 'Bob García']);

  const { child, port } = await start();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [], timeout: 60_000 });
  try {
    const ctx = await browser.newContext({ baseURL: `https://127.0.0.1:${port}`, ignoreHTTPSErrors: true, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    const api = (method, path, body) => page.request.fetch(`/api${path}`, { method, headers: { authorization: `Bearer ${token}` }, data: body });
    await api('POST', '/certificates', { subject: `CN=${FQDN}`, domains: [FQDN], friendlyName: 'Contoso UM (request)', request: true });
    await api('POST', '/certificates', { subject: `CN=${FQDN}`, domains: [FQDN, 'um'], friendlyName: 'Contoso UM self-signed', exportable: true });

    await page.goto('/');
    await page.getByRole('radio', { name: 'Administrator' }).check();
    await page.getByRole('button', { name: 'Sign in with a token' }).click();
    await page.getByLabel('Administrator token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    mkdirSync(OUT, { recursive: true });
    const shots = [
      ['admin-certificates', '/admin/certificates', 'Certificates'],
      ['admin-servers', '/admin/servers', 'Servers'],
      ['admin-dial-plans', '/admin/dialplans', 'Dial plans'],
      ['admin-users', '/admin/users', 'Users'],
      ['admin-calls', '/admin/calls', 'Calls'],
    ];
    for (const [file, path, heading] of shots) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
      await page.screenshot({ path: join(OUT, `${file}.png`), fullPage: true });
      console.log(`saved docs/screenshots/${file}.png`);
    }
    await ctx.close();
    await userInbox(browser, port, token);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => { if (child.exitCode !== null) r(); else { child.once('exit', r); setTimeout(r, 10_000); } });
    rmSync(tmp, { recursive: true, force: true });
  }
}

// The user's side (helper D2's pages): alice is invited, sets a password through the API the
// set-password page uses, signs in, and her inbox is saved. Skipped, with a note, if that fails.
async function userInbox(browser, port, token) {
  const ctx = await browser.newContext({ baseURL: `https://127.0.0.1:${port}`, ignoreHTTPSErrors: true, locale: 'en-US', viewport: { width: 1280, height: 900 } });
  try {
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    const invite = await page.request.post('/api/users/alice/invite', { headers: { authorization: `Bearer ${token}` }, data: { email: false } });
    const link = (await invite.json()).link;
    const inviteToken = new URL(link).searchParams.get('token');
    const password = 'Screenshots-2026-only';
    const set = await page.request.post('/api/password/invite', { data: { token: inviteToken, password } });
    if (!set.ok()) throw new Error(`POST /api/password/invite answered ${set.status()}`);
    const signed = await page.request.post('/api/session', { data: { email: 'alice@contoso.com', password } });
    if (!signed.ok()) throw new Error(`POST /api/session answered ${signed.status()}`);
    await page.goto('/');
    await page.getByRole('main').waitFor();
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
    await page.screenshot({ path: join(OUT, 'user-inbox.png'), fullPage: true });
    console.log('saved docs/screenshots/user-inbox.png');
  } catch (e) {
    console.warn(`user inbox skipped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await ctx.close();
  }
}

const deadline = setTimeout(() => { console.error('screenshots: gave up after 3 minutes'); process.exit(1); }, 180_000);
main().then(() => clearTimeout(deadline), (e) => { console.error(e); process.exit(1); });
