/**
 * Debian's Chromium driven by playwright-core, for the HTML report's browser tests, the benchmark
 * and the README screenshot. Headless, no sandbox (containers), background networking off and a
 * fresh profile and context each time, so a page can only do what its own HTML asks. Every request the page
 * makes is recorded (and anything but file:// aborted): the report must make none besides its own
 * document.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-default-browser-check',
];

/**
 * Whether the browser tests can run. Outside CI a missing Chromium skips them with this reason;
 * in CI (CI set) a missing Chromium is a failure, never a silent skip.
 */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing but CI is set: install it (apt-get install -y chromium)`);
  return `${CHROMIUM_PATH} is not installed (apt-get install -y chromium); the browser tests are skipped outside CI`;
}

export interface OpenedReport {
  page: Page;
  context: BrowserContext;
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** URLs of every request the page made, the document included. */
  requests: string[];
  /** Messages of alert/confirm/prompt dialogs the page opened (all dismissed). */
  dialogs: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Off: the page as a reader without JavaScript sees it. */
  javaScriptEnabled?: boolean;
}

export interface Browser {
  open(file: string, options?: OpenOptions): Promise<OpenedReport>;
  close(): Promise<void>;
}

/** Playwright gives every launch a fresh temporary profile (user-data-dir) and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  return {
    async open(file, options = {}) {
      // One context per page: no cache, storage or permissions carried from one test to the next.
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 900 },
        javaScriptEnabled: options.javaScriptEnabled ?? true,
        offline: true,
        serviceWorkers: 'block',
      });
      const page = await context.newPage();
      const opened: OpenedReport = {
        page,
        context,
        errors: [],
        requests: [],
        dialogs: [],
        close: () => context.close(),
      };
      page.on('request', (req) => opened.requests.push(req.url()));
      page.on('console', (msg) => {
        if (msg.type() === 'error') opened.errors.push(msg.text());
      });
      page.on('pageerror', (err) => opened.errors.push(`pageerror: ${err.message}`));
      page.on('dialog', (d) => {
        opened.dialogs.push(d.message());
        void d.dismiss();
      });
      await page.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
      // Generous: an organization-sized report on a busy CI runner is parsed for a while.
      await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load', timeout: 180_000 });
      return opened;
    },
    async close() {
      await browser.close();
    },
  };
}
