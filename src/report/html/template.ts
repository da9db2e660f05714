/**
 * Auto-escaping HTML templates. Everything the HTML report prints goes through the `html` tag:
 * interpolated strings and numbers are escaped, and only markup that `html` itself produced
 * passes through unchanged. Cloud data (names, labels, messages, read errors) therefore cannot
 * become markup, whatever it contains, without anyone remembering to call an escape function.
 *
 * The one way to place text unescaped is `inlineStyle` / `inlineScript`, which take the report's
 * own stylesheet and client script (constants of this package, never data) and refuse anything
 * that could close their element early.
 *
 * An organization-wide report is hundreds of thousands of fragments, so a fragment costs little:
 * its text is escaped when it is made, but it keeps its parts instead of joining them. Items of a
 * list (a table row, a cluster card) are joined when the list is interpolated, and the page once,
 * at the end. Joining every fragment would copy each row once per level of nesting; joining only
 * the page would gather millions of tiny parts in one pass that no longer fits in cache.
 */
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import { bidiVisible } from '../../inert.js';

/** Markup produced by `html` (or an inline asset). Cannot be forged from a string. */
export interface SafeHtml {
  readonly __html: string;
  toString(): string;
}

/** What may be interpolated: escaped text, trusted markup, lists of them; `false`/nullish render nothing. */
export type Interpolation = SafeHtml | string | number | false | null | undefined | readonly Interpolation[];

/** Already escaped text, or a fragment. */
type Part = string | Markup;

// Only this module holds the key, so `new (fragment.constructor)(…)` cannot mint markup either.
const MINT_KEY: unique symbol = Symbol('html mint');

// Provenance is the private field: an object that merely looks like markup (parsed from JSON, or
// built with Object.create on this prototype) does not have it, and nothing outside can add it.
class Markup implements SafeHtml {
  /** The template's literal parts, around `#values`; undefined for a list (values only). */
  #strings: readonly string[] | undefined;
  #values: Part[] | undefined;
  #text: string | undefined;

  constructor(key: typeof MINT_KEY, strings: readonly string[] | undefined, values: Part[] | undefined, text?: string) {
    if (key !== MINT_KEY) throw new TypeError('html: markup can only be made by html`…`');
    this.#strings = strings;
    this.#values = values;
    this.#text = text;
  }

  get __html(): string {
    return this.toString();
  }

  /** The markup as one string, joined on first use. */
  toString(): string {
    if (this.#text === undefined) {
      const out: string[] = [];
      this.#collect(out);
      this.#text = out.join('');
      this.#strings = this.#values = undefined;
    }
    return this.#text;
  }

  // Recursion is as deep as the templates nest in the source, never as deep as the data: a list
  // is one fragment whatever its length.
  #collect(out: string[]): void {
    if (this.#text !== undefined) {
      out.push(this.#text);
      return;
    }
    const strings = this.#strings;
    const values = this.#values!;
    if (strings && strings[0] !== '') out.push(strings[0]);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') v.#collect(out);
      else if (v !== '') out.push(v);
      if (strings && strings[i + 1] !== '') out.push(strings[i + 1]);
    }
  }

  static is(value: unknown): value is Markup {
    return typeof value === 'object' && value !== null && #text in value;
  }
}
Object.freeze(Markup.prototype);

export function isSafeHtml(value: unknown): value is SafeHtml {
  return Markup.is(value);
}

/**
 * An interpolated value as a part: strings escaped, markup as is, a list as one fragment. A bidi
 * control in data (U+202E and the like) is shown as its escape, so it cannot reorder what
 * follows it on the page; the stylesheet isolates every cell besides (`unicode-bidi: isolate`).
 */
function toPart(value: Interpolation): Part {
  if (typeof value === 'string') return escapeHtml(bidiVisible(value));
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return String(value);
  if (Markup.is(value)) return value;
  if (Array.isArray(value)) return new Markup(MINT_KEY, undefined, (value as readonly Interpolation[]).map(toItemPart));
  throw new TypeError(`html: cannot interpolate ${Object.prototype.toString.call(value)}; pass a string or html\`…\``);
}

/**
 * A list item as a part: a fragment is joined now. A list item is about the size of a table row,
 * and joining that much at a time is cheaper than one join of millions of tiny parts at the end
 * (it stays in cache); its text is then copied once more into the page, not once per nesting level.
 */
function toItemPart(value: Interpolation): Part {
  const part = toPart(value);
  return typeof part === 'string' ? part : part.toString();
}

/**
 * The template tag. Attribute values must be quoted in the template (`class="${x}"`); escaping
 * covers `&<>"'`, which is what quoted attributes and text content need.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  // The rest array is this call's own: it becomes the fragment's parts without a copy.
  const parts = values as Part[];
  for (let i = 0; i < values.length; i++) parts[i] = toPart(values[i]);
  return new Markup(MINT_KEY, strings, parts);
}

/** Joins fragments with a separator (itself escaped unless it is SafeHtml). */
export function join(items: readonly Interpolation[], separator: Interpolation = ''): SafeHtml {
  const sep = toPart(separator);
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(sep);
    parts.push(toPart(item));
  });
  return new Markup(MINT_KEY, undefined, parts);
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
  return new Markup(MINT_KEY, undefined, undefined, `<style>${css}</style>`);
}

/** `<script>` with the report's own client script (a package constant, never data). */
export function inlineScript(js: string): SafeHtml {
  assertInlineable(js, 'script');
  return new Markup(MINT_KEY, undefined, undefined, `<script>${js}</script>`);
}
