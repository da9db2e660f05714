/**
 * The HTML report in real Chromium, opened from file:// as a reader would: nothing is fetched,
 * nothing errors, injected markup stays text, the filters work, and it prints.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

import { renderHtml } from '../../src/report/html.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { chromiumSkipReason, launchChromium, type Browser, type OpenedReport } from './chromium.js';
import { EVIL_PROJECT, INJECTIONS, sampleReport } from './sample-report.js';

const OUT = path.join(REPO_ROOT, 'test-output');
const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`skipping the browser tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('html report in Chromium', () => {
  const report = sampleReport();
  const file = path.join(OUT, 'report-sample.html');
  const documentUrl = pathToFileURL(file).href;
  let browser: Browser;
  let opened: OpenedReport;

  const visibleRows = () => opened.page.locator('#findings tbody tr.finding:visible').count();
  const choose = async (filter: string, value: string) => {
    await opened.page.locator(`select[data-filter="${filter}"]`).selectOption(value);
  };

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file, renderHtml(report));
    browser = await launchChromium();
    opened = await browser.open(file);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads from file:// with no console error and no request but the document itself', async () => {
    await opened.page.waitForSelector('#filters:not([hidden])');
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([documentUrl]);
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
  });

  it('shows injected markup as text and runs none of it', async () => {
    const text = await opened.page.locator('body').innerText();
    for (const s of Object.values(INJECTIONS)) expect(text).toContain(s);
    expect(text).toContain(EVIL_PROJECT);
    expect(opened.dialogs).toEqual([]);
    expect(await opened.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await opened.page.locator('img').count()).toBe(0);
    expect(await opened.page.locator('script').count()).toBe(1);
    expect(await opened.page.locator('style').count()).toBe(1);
  });

  it('filters the findings by severity, status, rule, project and text', async () => {
    const total = report.results.length;
    expect(await visibleRows()).toBe(total);
    await expect.poll(() => opened.page.locator('#finding-count').textContent()).toBe(`${total} of ${total} results shown`);

    await choose('status', 'fail');
    const failing = report.results.filter((r) => r.status === 'fail' && !r.waiver);
    expect(await visibleRows()).toBe(failing.length);
    await choose('severity', 'critical');
    expect(await visibleRows()).toBe(failing.filter((r) => r.severity === 'critical').length);
    await choose('severity', '');
    await choose('status', '');

    await choose('rule', 'node-external-ip');
    expect(await visibleRows()).toBe(report.results.filter((r) => r.ruleId === 'node-external-ip').length);
    await choose('rule', '');

    await choose('project', EVIL_PROJECT);
    const evil = report.results.filter((r) => r.resource.project === EVIL_PROJECT).length;
    expect(evil).toBeGreaterThan(0);
    expect(await visibleRows()).toBe(evil);
    await choose('project', '');

    await opened.page.locator('input[data-filter="text"]').fill('gke-alpha-default-pool-0f94de4e-q34p');
    expect(await visibleRows()).toBe(1);
    await opened.page.locator('#filter-reset').click();
    expect(await visibleRows()).toBe(total);
  });

  it('clears the filters when a checklist link points at a hidden finding', async () => {
    await choose('status', 'pass');
    const link = opened.page.locator('section.cluster').first().locator('li[data-step="vip-route"] ul a').first();
    const target = (await link.getAttribute('href'))!.slice(1);
    expect(await opened.page.locator(`[id="${target}"]`).isVisible()).toBe(false);
    await link.click();
    await expect.poll(() => opened.page.locator(`[id="${target}"]`).isVisible()).toBe(true);
    expect(await visibleRows()).toBe(report.results.length);
  });

  it('works without JavaScript as a plain table', async () => {
    const plain = await browser.open(file, { javaScriptEnabled: false });
    try {
      expect(await plain.page.locator('#findings tbody tr.finding:visible').count()).toBe(report.results.length);
      expect(await plain.page.locator('#filters').isVisible()).toBe(false);
      expect(await plain.page.locator('button.copy:visible').count()).toBe(0);
      // The remediation is still there to read and select.
      await plain.page.locator('#findings details.fix summary').first().click();
      expect(await plain.page.locator('#findings details.fix pre').first().isVisible()).toBe(true);
      expect(plain.errors).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('prints legibly: no controls, every explanation open', async () => {
    const page = opened.page;
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('#filters').isVisible()).toBe(false);
      expect(await page.locator('#findings details.fix pre').first().isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      writeFileSync(path.join(OUT, 'report-sample.pdf'), pdf);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('saves a screenshot of the example report for CI', async () => {
    const shot = path.join(OUT, 'report-sample.png');
    await opened.page.locator('#filter-reset').click();
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    await opened.page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([documentUrl]);
  });
});
