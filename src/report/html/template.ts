/**
 * Auto-escaping HTML templates. Everything the HTML report prints goes through the `html` tag:
 * interpolated strings and numbers are escaped, and only markup that `html` itself produced
 * passes through unchanged. Cloud data (names, labels, messages, read errors) therefore cannot
 * become markup, whatever it contains, without anyone remembering to call an escape function.
 *
 * The one way to place text unescaped is `inlineStyle` / `inlineScript`, which take the report's
 * own stylesheet and client script (constants of this package, never data) and refuse anything
 * that could close their element early.
 */
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

/** Markup produced by `html` (or an inline asset). Cannot be forged from a string. */
export interface SafeHtml {
  readonly __html: string;
  toString(): string;
}

/** What may be interpolated: escaped text, trusted markup, lists of them; `false`/nullish render nothing. */
export type Interpolation = SafeHtml | string | number | false | null | undefined | readonly Interpolation[];

// Provenance is tracked by identity, not by shape, so an object that merely looks like SafeHtml
// (e.g. parsed from JSON) is still rejected.
const minted = new WeakSet<object>();

function mint(markup: string): SafeHtml {
  const safe: SafeHtml = Object.freeze({ __html: markup, toString: () => markup });
  minted.add(safe);
  return safe;
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && minted.has(value);
}

function renderValue(value: Interpolation, out: string[]): void {
  if (value === null || value === undefined || value === false) return;
  if (typeof value === 'string') out.push(escapeHtml(value));
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value as readonly Interpolation[]) renderValue(v, out);
  else if (isSafeHtml(value)) out.push(value.__html);
  else throw new TypeError(`html: cannot interpolate ${Object.prototype.toString.call(value)}; pass a string or html\`…\``);
}

/**
 * The template tag. Attribute values must be quoted in the template (`class="${x}"`); escaping
 * covers `&<>"'`, which is what quoted attributes and text content need.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  const out: string[] = [strings[0]];
  for (let i = 0; i < values.length; i++) {
    renderValue(values[i], out);
    out.push(strings[i + 1]);
  }
  return mint(out.join(''));
}

/** Joins fragments with a separator (itself escaped unless it is SafeHtml). */
export function join(items: readonly Interpolation[], separator: Interpolation = ''): SafeHtml {
  const out: string[] = [];
  items.forEach((item, i) => {
    if (i > 0) renderValue(separator, out);
    renderValue(item, out);
  });
  return mint(out.join(''));
}

/** The CSP source for an inline block: `'sha256-…'` of its exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function assertInlineable(text: string, element: 'style' | 'script'): void {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) {
    throw new Error(`inline ${element} must not contain </${element} or <!--`);
  }
}

/** `<style>` with the report's own stylesheet (a package constant, never data). */
export function inlineStyle(css: string): SafeHtml {
  assertInlineable(css, 'style');
  return mint(`<style>${css}</style>`);
}

/** `<script>` with the report's own client script (a package constant, never data). */
export function inlineScript(js: string): SafeHtml {
  assertInlineable(js, 'script');
  return mint(`<script>${js}</script>`);
}
