// The web app in a real browser (Chromium through playwright-core): the sign-in page in the
// browser's language, switchable, and an administrator signing in with a token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchBrowser, newContext } from '../support/browser.js';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';

const missing = chromiumMissing();

describe('web app shell in Chromium', { skip: missing ? `not installed: ${missing}` : false, timeout: 120_000 }, () => {
  const tmp = tempDir('openum-web-');
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    const data = `${tmp.path}/data`;
    await initData(data, 'um.contoso.test');
    server = await startServer(data);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    tmp.cleanup();
  });

  it('opens the sign-in page in the browser language and switches language', async () => {
    const ctx = await newContext(browser, server.port, { locale: 'it-IT' });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Accedi' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'it');
    await page.getByLabel('Lingua').selectOption('fr');
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await ctx.close();
  });
});
