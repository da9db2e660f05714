/**
 * HTML report at organization scale: render a 5,000- and a 25,000-finding report, then open each
 * from file:// in Chromium and time the load, the first showing of the findings table and a
 * filter change. `renderMs` is a first render, as a CLI run does it (no warm-up). Run directly
 * (`node --import tsx bench/report-html.ts [n...]`) or through `npm run bench`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../src/report/html.js';
import { launchChromium } from '../test/browser/chromium.js';
import { syntheticReport } from '../test/browser/synthetic-report.js';

export interface HtmlBenchResult {
  findings: number;
  clusters: number;
  renderMs: number;
  bytes: number;
  /** From navigation start to the end of the load event, as the page measures it. */
  loadMs: number;
  /**
   * From scrolling the findings table into view to the next frame drawn: the table's layout,
   * which a long table defers from the load to this moment.
   */
  showMs: number;
  /** One status filter applied to every row, with the table on screen, to the next frame drawn. */
  filterMs: number;
}

export async function benchHtml(n: number): Promise<HtmlBenchResult> {
  const report = syntheticReport(n);
  const t0 = performance.now();
  const page = renderHtml(report);
  const renderMs = performance.now() - t0;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpa-bench-html-'));
  const file = path.join(dir, `report-${n}.html`);
  writeFileSync(file, page);
  const browser = await launchChromium();
  try {
    const opened = await browser.open(file);
    const loadMs = await opened.page.evaluate(() => {
      const nav = window.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return nav.loadEventEnd - nav.startTime;
    });
    // Each action, then the frame after it drawn: the elapsed time, style and layout included.
    // (No named functions inside: tsx would wrap them in a helper the page does not have.)
    const [showMs, filterMs] = await opened.page.evaluate(async () => {
      const elapsed: number[] = [];
      for (const act of [
        () => document.getElementById('findings')!.scrollIntoView(),
        () => {
          const select = document.querySelector<HTMLSelectElement>('select[data-filter="status"]')!;
          select.value = 'fail';
          select.dispatchEvent(new Event('change'));
        },
      ]) {
        const start = window.performance.now();
        act();
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        elapsed.push(window.performance.now() - start);
      }
      return elapsed;
    });
    // A fast page that lost rows would be no result: every finding is a row, and the filter counts them.
    const rows = await opened.page.locator('#findings tbody tr.finding').count();
    const failing = report.results.filter((r) => r.status === 'fail' && !r.waiver).length;
    const counted = await opened.page.locator('#finding-count').textContent();
    if (rows !== report.results.length || counted !== `${failing} of ${rows} results shown`) {
      throw new Error(`the page shows ${rows} of ${report.results.length} rows, and "${counted}" after filtering on fail (expected ${failing})`);
    }
    if (opened.errors.length) throw new Error(`console errors: ${opened.errors.join('; ')}`);
    if (opened.requests.length !== 1 || opened.requests[0] !== pathToFileURL(file).href) {
      throw new Error(`unexpected requests: ${opened.requests.join(', ')}`);
    }
    return { findings: report.results.length, clusters: report.clusters.length, renderMs, bytes: Buffer.byteLength(page), loadMs, showMs, filterMs };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHtmlBench(r: HtmlBenchResult): string {
  return `html report: ${r.findings} findings, ${r.clusters} clusters: render ${r.renderMs.toFixed(0)} ms, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB, Chromium load ${r.loadMs.toFixed(0)} ms, table shown ${r.showMs.toFixed(0)} ms, filter ${r.filterMs.toFixed(0)} ms`;
}

export async function benchHtmlReports(sizes: number[] = [5_000, 25_000]): Promise<HtmlBenchResult[]> {
  const results: HtmlBenchResult[] = [];
  for (const n of sizes) {
    const r = await benchHtml(n);
    console.log(formatHtmlBench(r));
    results.push(r);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  await benchHtmlReports(sizes.length ? sizes : undefined);
}
