/**
 * Renders a snapshot's HTML report with the full rule set and screenshots it in Chromium, for the
 * README: `tsx scripts/screenshot-report.ts SNAPSHOT PNG [--policy rules.yaml] [--html OUT.html]
 * [--full-page] [--height 1500]`. Without --policy it uses the repository's rules.yaml.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { audit } from '../src/engine/audit.js';
import { loadPolicy } from '../src/engine/policy.js';
import { loadSnapshot } from '../src/model/load.js';
import { renderHtml } from '../src/report/html.js';
import { launchChromium } from '../test/browser/chromium.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    policy: { type: 'string', default: 'rules.yaml' },
    html: { type: 'string' },
    'full-page': { type: 'boolean', default: false },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '1500' },
  },
});
const [snapshotFile, pngFile] = positionals;
if (!snapshotFile || !pngFile) {
  console.error('usage: tsx scripts/screenshot-report.ts SNAPSHOT PNG [--policy rules.yaml] [--html OUT.html] [--full-page]');
  process.exit(2);
}

const report = audit(loadSnapshot(snapshotFile), loadPolicy(values.policy), { failOn: 'high' });
const page = renderHtml(report);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gpa-screenshot-'));
const htmlFile = values.html ?? path.join(tmp, 'report.html');
mkdirSync(path.dirname(path.resolve(htmlFile)), { recursive: true });
writeFileSync(htmlFile, page);

const browser = await launchChromium();
try {
  const opened = await browser.open(htmlFile, { viewport: { width: Number(values.width), height: Number(values.height) } });
  if (opened.errors.length) throw new Error(`the report logged errors: ${opened.errors.join('; ')}`);
  mkdirSync(path.dirname(path.resolve(pngFile)), { recursive: true });
  await opened.page.screenshot({ path: pngFile, fullPage: values['full-page'] });
  console.log(`${pngFile}: ${report.results.length} results, ${report.clusters.length} clusters, HTML ${(Buffer.byteLength(page) / 1024).toFixed(0)} KiB`);
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
