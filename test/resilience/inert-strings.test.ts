/**
 * Hostile strings in the data (a read error an API wrote, names chosen by whoever can create
 * resources) are inert in every report: visible escapes in the text report, Markdown and on stderr,
 * no live Markdown images, links or HTML, no bidi reordering in HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { inert, inertData } from '../../src/inert.js';
import { cell } from '../../src/report/markdown.js';
import { html } from '../../src/report/html/template.js';
import { expectInert, runCliAsync } from './cli-run.js';

const ESCAPES = '\u001b]0;owned\u0007\u001b[2J\u001b[8mhidden\u001b[0m \u202egnp.exe\u202c \u009b31m\r\n';
const MARKDOWN = '![pixel](https://attacker.example/p.png) [click](https://attacker.example) <img src=x onerror=alert(1)> **bold** `code` https://attacker.example www.attacker.example a@attacker.example';

describe('inert strings', () => {
  it('the sanitizer escapes every control, C1 and bidi character visibly and leaves the rest', () => {
    expect(inert(ESCAPES)).toBe('\\x1b]0;owned\\x07\\x1b[2J\\x1b[8mhidden\\x1b[0m \\u202egnp.exe\\u202c \\x9b31m\\x0d\\x0a');
    expect(inert('vpc-private 東京 ü \\x1b')).toBe('vpc-private 東京 ü \\x1b');
    const copy = inertData(JSON.parse('{"__proto__": {"polluted": "\\u001b"}, "a": ["\\u202e"]}') as object);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual(JSON.parse('{"__proto__": {"polluted": "\\\\x1b"}, "a": ["\\\\u202e"]}'));
  });

  it('a Markdown cell cannot hold an image, a link, an autolink, HTML or emphasis', () => {
    const md = cell(MARKDOWN);
    expect(md).not.toMatch(/(?<!\\)!(?<!\\)\[/);
    expect(md).not.toMatch(/(?<!\\)\]\(/);
    expect(md).not.toMatch(/<img|https:\/\/|www\.attacker/);
    expect(md).not.toMatch(/(?<!\\)\*\*/);
    expect(md).not.toMatch(/(?<!\\)`/);
  });

  it('HTML shows bidi overrides as escapes', () => {
    const page = html`<td>${'invoice\u202egnp.exe'}</td>`.toString();
    expect(page).toBe('<td>invoice\\u202egnp.exe</td>');
  });

  describe('through the CLI, from a snapshot', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'gpa-inert-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes text, Markdown and HTML reports with nothing live in them', async () => {
      const snapshot = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/compliant.snapshot.json'), 'utf8')) as { readErrors: unknown[] };
      snapshot.readErrors = [{ project: 'acme-prod-platform', collection: 'firewalls', status: 403, message: `${ESCAPES} ${MARKDOWN}` }];
      const input = path.join(dir, 'hostile.json');
      writeFileSync(input, JSON.stringify(snapshot));
      const md = path.join(dir, 'report.md');
      const page = path.join(dir, 'report.html');
      const run = await runCliAsync(['check', '--snapshot', input, '--report', 'text', '--report', `markdown=${md}`, '--report', `html=${page}`]);
      expect(run.code).toBe(3);
      expectInert(run);
      expect(run.stdout).toContain('\\x1b]0;owned\\x07');
      const markdown = readFileSync(md, 'utf8');
      expectInert({ stdout: markdown, stderr: '' });
      expect(markdown).not.toMatch(/(?<!\\)!(?<!\\)\[pixel/);
      expect(markdown).not.toMatch(/(?<!\\)\]\(https/);
      expect(markdown).not.toContain('<img');
      const htmlText = readFileSync(page, 'utf8');
      expect(htmlText).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(htmlText).not.toContain('<img src=x');
    });
  });
});
