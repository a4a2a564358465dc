// A real browser for the web tests: Debian's Chromium driven by playwright-core, headless, with
// --no-sandbox when running as root (CI and these machines), trusting nothing but ignoring the
// test server's self-signed HTTPS certificate. Tests skip when Chromium is not installed.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.OPENUM_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** '' when Chromium is there, else what is missing (for `describe(..., { skip })`). */
export function chromiumMissing(): string {
  return existsSync(CHROMIUM) ? '' : `chromium (${CHROMIUM})`;
}

export async function launchBrowser(): Promise<Browser> {
  const args = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 60_000 });
}

/** A fresh profile (no cookies) in the given language, answering the HTTPS origin of `port`. */
export async function newContext(browser: Browser, port: number, options: { locale?: string; host?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: `https://${options.host ?? '127.0.0.1'}:${port}`,
    ignoreHTTPSErrors: true,
    locale: options.locale ?? 'en-US',
    acceptDownloads: true,
    permissions: ['microphone'],
    viewport: { width: 1280, height: 800 },
  });
}

/** Collects what the page logs as errors, so a test can assert the app ran cleanly. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}
