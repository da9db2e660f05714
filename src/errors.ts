import { readFileSync } from 'node:fs';

/**
 * Bad input (a policy, snapshot, plan or export the tool cannot use). The CLI prints it as one
 * line naming the file and the line or field, and exits 2.
 */
export class InputError extends Error {
  readonly file: string;
  /** `line 12`, `line 3, column 5`, or a JSON path such as `$.clusters[0].network`. */
  readonly where?: string;

  constructor(file: string, message: string, where?: string) {
    super(message);
    this.name = 'InputError';
    this.file = file;
    this.where = where;
  }

  /** `rules.yaml: line 4: unknown rule id "dns-foo"` */
  toLine(): string {
    return `${this.file}: ${this.where ? `${this.where}: ` : ''}${this.message}`;
  }
}

/**
 * An output that cannot be written (EACCES, ENOSPC, a directory…), or one that would overwrite an
 * input. Shown like bad input: one line naming the file, exit 2.
 */
export class OutputError extends InputError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = 'OutputError';
  }
}

/** Converts an ajv instance path (`/clusters/0/network`) to a readable JSON path (`$.clusters[0].network`). */
export function jsonPath(instancePath: string): string {
  if (!instancePath) return '$';
  return (
    '$' +
    instancePath
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
      .join('')
  );
}

/** Reads an input file as text; a file that cannot be read is bad input naming it (ENOENT, EACCES…). */
export function readInputText(file: string, what: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    // A UTF-8 byte order mark (editors on Windows write one) is not part of the content.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    throw new InputError(file, `cannot read the ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
