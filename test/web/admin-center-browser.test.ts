// The admin center in Chromium against a real `openum start`: a certificate request with the
// server's FQDN, its CSR downloaded and signed by an `openssl ca`, the result imported; enabling it
// for UMCallRouter is refused inline while the Call Router starts in TCP, accepted once it is Dual;
// then a Secured dial plan, a gateway by FQDN, and a user invited (the one-time link shown).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { api } from '../support/api.js';
import { chromiumMissing, launchBrowser, newContext, pageErrors } from '../support/browser.js';
import { rootCa, type CaHandle } from '../support/openssl-ca.js';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { openssl, tempDir } from '../support/run.js';

const missing = chromiumMissing();
const FQDN = 'um.contoso.test';

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('radio', { name: 'Administrator' }).check();
  await page.getByRole('button', { name: 'Sign in with a token' }).click();
  await page.getByLabel('Administrator token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Certificates', level: 1 }).waitFor();
}

describe('admin center in Chromium', { skip: missing ? `not installed: ${missing}` : false, timeout: 180_000 }, () => {
  const tmp = tempDir('openum-admin-web-');
  let server: RunningServer;
  let browser: Browser;
  let token: string;
  let ca: CaHandle;

  before(async () => {
    const data = join(tmp.path, 'data');
    ({ token } = await initData(data, FQDN));
    server = await startServer(data);
    ca = await rootCa(join(tmp.path, 'ca'), 'Contoso Test Root');
    // The CA's root is trusted by the server (as an administrator would with POST /api/trust), so
    // the certificate it issues is Valid and can be assigned to services.
    const trusted = await api(server.port, 'POST', '/api/trust', { token, body: { data: ca.der.toString('base64') } });
    assert.equal(trusted.status, 201, trusted.body);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    tmp.cleanup();
  });

  it('requests, signs, imports and enables a certificate; creates a dial plan, a gateway and an invited user', async () => {
    const ctx = await newContext(browser, server.port);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    const errors = pageErrors(page);
    await signIn(page, token);

    // A request for the CA, CN = the server's FQDN: the CSR comes down as a file.
    const form = page.getByRole('form', { name: 'New certificate' });
    await form.getByRole('radio', { name: 'Request for a certification authority' }).check();
    await form.getByLabel('Subject').fill(`CN=${FQDN}`);
    await form.getByLabel('Domain names').fill(FQDN);
    await form.getByLabel('Friendly name').fill('Contoso UM');
    const [csrDownload] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Create request and download' }).click()]);
    const csrPath = join(tmp.path, 'um.csr');
    await csrDownload.saveAs(csrPath);
    assert.match(readFileSync(csrPath, 'utf8'), /-----BEGIN CERTIFICATE REQUEST-----/);
    await page.getByRole('cell', { name: 'PendingRequest' }).waitFor();

    // The CA signs it (openssl ca, the CSR's subject as is).
    const crtPath = join(tmp.path, 'um.crt');
    const signed = await openssl(['ca', '-batch', '-notext', '-config', join(tmp.path, 'ca', 'ca.cnf'), '-in', csrPath, '-out', crtPath, '-extensions', 'both_ext']);
    assert.equal(signed.code, 0, signed.stderr);

    // Import the signed certificate: it completes the pending request.
    const importForm = page.getByRole('form', { name: 'Import a certificate' });
    await importForm.getByLabel('Certificate file (PFX, CER, PEM)').setInputFiles(crtPath);
    await importForm.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Certificate [0-9A-F]{40} imported\./).waitFor();
    const row = page.getByRole('row', { name: /Contoso UM/ });
    await row.getByText('Valid', { exact: true }).waitFor();

    // Enable for UMCallRouter: refused while the Call Router's startup mode is TCP.
    await page.getByRole('button', { name: 'Manage Contoso UM' }).click();
    await page.getByRole('checkbox', { name: 'UMCallRouter' }).check();
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: /TCP/ });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /startup mode/i);

    // The Call Router goes to Dual on the Servers page.
    await page.getByRole('link', { name: 'Servers' }).click();
    const router = page.getByRole('form', { name: 'UM Call Router' });
    await router.getByLabel('Startup mode').selectOption('Dual');
    await router.getByRole('button', { name: 'Save' }).click();
    await router.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('heading', { name: 'Ports' }).waitFor();

    // Enable again: accepted, and UMCallRouter is now ticked and cannot be unticked.
    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('button', { name: 'Manage Contoso UM' }).click();
    await page.getByRole('checkbox', { name: 'UMCallRouter' }).check();
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByText('Enabled for UMCallRouter.').waitFor();
    await page.getByRole('checkbox', { name: 'UMCallRouter', checked: true, disabled: true }).waitFor();
    await page.getByRole('row', { name: /Contoso UM/ }).getByText(/UMCallRouter/).first().waitFor();

    // A Secured dial plan.
    await page.getByRole('link', { name: 'Dial plans' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Secure');
    await page.getByLabel('Extension digits', { exact: true }).fill('4');
    await page.getByLabel('VoIP security', { exact: true }).selectOption('Secured');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row', { name: /Secure/ }).getByText('Secured').waitFor();

    // A bad one shows the API's message next to the form and changes nothing.
    await page.getByLabel('Name', { exact: true }).fill('Secure');
    await page.getByLabel('Extension digits', { exact: true }).fill('4');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#crud-form').getByRole('alert').waitFor();

    // A gateway by FQDN in that dial plan.
    await page.getByRole('link', { name: 'UM IP gateways' }).click();
    await page.getByLabel('Name', { exact: true }).fill('SBC');
    await page.getByLabel('Address', { exact: true }).fill('sbc.contoso.test');
    await page.getByLabel('Dial plan', { exact: true }).selectOption('Secure');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row', { name: /SBC/ }).getByText(/sbc\.contoso\.test/).waitFor();

    // A user, then an invitation: the one-time link is shown.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Name', { exact: true }).fill('carol');
    await page.getByLabel('Display name', { exact: true }).fill('Carol Smith');
    await page.getByLabel('Extension', { exact: true }).fill('2001');
    await page.getByLabel('E-mail address', { exact: true }).fill('carol@contoso.test');
    await page.getByLabel('Dial plan', { exact: true }).selectOption('Secure');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row', { name: /carol/ }).waitFor();
    await page.getByRole('button', { name: 'Invite carol' }).click();
    const link = await page.getByLabel('Invitation link', { exact: true }).inputValue();
    assert.match(link, new RegExp(`^https://${FQDN.replace(/\./g, '\\.')}(:\\d+)?/set-password\\?token=`));

    // The audit log lists what was done, newest first.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: /invite/i }).first().waitFor();

    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
    await ctx.close();
  });

  it('speaks Italian when the browser does, on a phone-sized screen', async () => {
    const ctx = await browser.newContext({ baseURL: `https://127.0.0.1:${server.port}`, ignoreHTTPSErrors: true, locale: 'it-IT', viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/');
    await page.getByRole('radio', { name: 'Amministratore' }).check();
    await page.getByRole('button', { name: 'Accedi con un token' }).click();
    await page.getByLabel('Token amministratore', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('heading', { name: 'Certificati', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Utenti' }).click();
    await page.getByRole('heading', { name: 'Utenti', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Invita carol' }).waitFor();
    // Nothing wider than the screen but the tables, which scroll inside their .table-wrap.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await ctx.close();
  });
});
