import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cspHash, html, inlineScript, inlineStyle, isSafeHtml, join, type SafeHtml } from '../../src/report/html/template.js';

describe('html template', () => {
  it('escapes interpolated strings in text and attributes', () => {
    const name = '"><img src=x onerror=alert(1)>';
    const out = html`<p title="${name}">${'<script>alert(1)</script>'} & ${"it's"}</p>`.toString();
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(1)&lt;/script&gt; & it&#39;s</p>',
    );
  });

  it('passes markup made by html through unchanged, and nests', () => {
    const inner = html`<b>${'a<b'}</b>`;
    expect(html`<p>${inner}</p>`.toString()).toBe('<p><b>a&lt;b</b></p>');
  });

  it('joins arrays, escaping string items and keeping html items', () => {
    const items = ['<x>', html`<i>y</i>`, 3];
    expect(html`<p>${items}</p>`.toString()).toBe('<p>&lt;x&gt;<i>y</i>3</p>');
    expect(join(['a<', html`<br>`, 'b'], ', ').toString()).toBe('a&lt;, <br>, b');
    expect(join(['a', 'b'], html`<br>`).toString()).toBe('a<br>b');
  });

  it('renders false, null and undefined as nothing (for conditionals)', () => {
    const none = undefined;
    expect(html`<p>${false}${null}${none}</p>`.toString()).toBe('<p></p>');
  });

  it('does not trust objects that only look like its output', () => {
    const forged = { __html: '<script>alert(1)</script>', toString: () => '<script>alert(1)</script>' } as unknown as SafeHtml;
    expect(isSafeHtml(forged)).toBe(false);
    expect(() => html`<p>${forged}</p>`).toThrow(TypeError);
    expect(isSafeHtml(html`<p></p>`)).toBe(true);
  });

  it('refuses values that are not text, numbers or markup', () => {
    expect(() => html`<p>${{ a: 1 } as unknown as string}</p>`).toThrow(/cannot interpolate \[object Object\]/);
  });

  it('inlines the report assets but refuses anything that would close their element', () => {
    expect(inlineStyle('a>b{color:red}').toString()).toBe('<style>a>b{color:red}</style>');
    expect(inlineScript('if (a && b) x();').toString()).toBe('<script>if (a && b) x();</script>');
    expect(() => inlineStyle('a{}</STYLE><script>x()</script>')).toThrow(/must not contain/);
    expect(() => inlineScript('x = "</script>"')).toThrow(/must not contain/);
    expect(() => inlineScript('x = "<!--"')).toThrow(/must not contain/);
  });

  it('hashes inline blocks the way CSP does (sha256 of the exact text, base64)', () => {
    const text = 'body{color:red}';
    expect(cspHash(text)).toBe(`'sha256-${createHash('sha256').update(text).digest('base64')}'`);
  });
});
