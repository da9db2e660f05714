/**
 * The one sanitizer for text that reaches a terminal (the text report, stderr lines, progress):
 * strings from the cloud, a plan or an input file may hold escape sequences (window title, screen
 * clear, hidden text) or bidirectional overrides (U+202E shows `gnp.exe` for `exe.png`). Each such
 * character is shown as a visible escape instead (`\x1b`, `\u202e`), so what a person reads is
 * what the data says. Line breaks in data are escaped too: one finding stays one line.
 */

/**
 * C0 controls (tab and line breaks included), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC),
 * the bidi marks, embeddings, overrides and isolates (U+061C, U+200E–U+200F, U+202A–U+202E,
 * U+2066–U+2069), and the line/paragraph separators (U+2028, U+2029).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same sets without the global flag, for a test that keeps no state between calls.
// eslint-disable-next-line no-control-regex
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The bidi controls alone: what the HTML and Markdown reports make visible. */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One value, safe to print: every unsafe character visibly escaped (a backslash stays a backslash). */
export function inert(text: string): string {
  return HAS_UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/** The bidi controls of a string visibly escaped, nothing else changed. */
export function bidiVisible(text: string): string {
  return HAS_BIDI.test(text) ? text.replace(BIDI_CONTROLS, visible) : text;
}

/** Several lines of text made by this tool around data: each line made inert, the breaks kept. */
export function inertLines(text: string): string {
  return text.split('\n').map(inert).join('\n');
}

/** Writes one line to stderr, made inert (a message may quote a name or an API's own words). */
export function writeErrorLine(line: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`${inertLines(line)}\n`);
}

/**
 * The same data with every string made inert, for renderers that print data to a terminal. Only
 * what changes is copied (a report of clean names is returned as it is); only plain data is walked
 * (a report is JSON-shaped), so the depth is the report's own.
 */
const BUILT_INS = [Date, RegExp, Map, Set, ArrayBuffer, Error, Promise];

/**
 * A plain object, or an instance of a class of the product (an evaluated result, whose message and
 * fingerprint are own enumerable accessors): its own enumerable properties are its data.
 */
function isRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return true;
  return Object.getPrototypeOf(proto) === Object.prototype && !BUILT_INS.some((type) => value instanceof type) && !ArrayBuffer.isView(value);
}

export function inertData<T>(value: T): T {
  if (typeof value === 'string') return inert(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const safe = inertData(item);
      if (safe !== item) (out ??= value.slice())[i] = safe;
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === 'object' && isRecord(value)) {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      const safe = inertData(item);
      // defineProperty: a key such as `__proto__` stays a key, never the copy's prototype.
      if (safe !== item) Object.defineProperty((out ??= { ...(value as Record<string, unknown>) }), key, { value: safe, enumerable: true, writable: true, configurable: true });
    }
    return (out ?? value) as T;
  }
  return value;
}
