/**
 * Report outputs: `--report FORMAT[=PATH]` (repeatable) and the `--format/--output` shorthand.
 * Everything is rendered first and written last, through src/safe-write.ts (temp file + rename for
 * regular files, in place for devices and FIFOs), so a failed run leaves nothing half-written.
 */
import { overlappingPaths, writeFileSafely, writeFilesSafely } from '../safe-write.js';
import type { AuditReport } from '../engine/types.js';
import { isReportFormat, render, REPORT_FORMATS, type ReportFormat, type ReportOptions } from '../report/index.js';
import { UsageError } from './usage-error.js';

export interface OutputSpec {
  format: ReportFormat;
  /** Undefined or `-`: standard output. */
  path?: string;
  /** How the user asked for it, for messages (`--output out.sarif`). */
  flag?: string;
}

export function parseReportSpec(spec: string): OutputSpec {
  const eq = spec.indexOf('=');
  const format = eq < 0 ? spec : spec.slice(0, eq);
  const file = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!isReportFormat(format)) {
    throw new UsageError(`--report ${spec}: unknown format "${format}" (one of ${REPORT_FORMATS.join(', ')})`);
  }
  if (file === '') throw new UsageError(`--report ${spec}: empty path`);
  return { format, path: file === '-' ? undefined : file, flag: `--report ${spec}` };
}

export function outputSpecs(args: { report?: string[]; format?: string; output?: string }): OutputSpec[] {
  const specs = (args.report ?? []).map(parseReportSpec);
  if (args.format !== undefined || args.output !== undefined || specs.length === 0) {
    const format = args.format ?? 'text';
    if (!isReportFormat(format)) throw new UsageError(`--format ${format}: one of ${REPORT_FORMATS.join(', ')}`);
    specs.unshift({ format, path: args.output === '-' ? undefined : args.output, flag: `--output ${args.output}` });
  }
  if (specs.filter((s) => !s.path).length > 1) {
    throw new UsageError('only one report can go to standard output; give the others a path (--report FORMAT=PATH)');
  }
  return specs;
}

/** The file an output goes to, safely (see src/safe-write.ts). */
export const writeOutputFile = writeFileSafely;

/**
 * Refuses (exit 2) outputs that would overwrite an input or each other: the input would be lost
 * before it was read again, two reports on one path would keep only the last.
 */
export function refuseOverlaps(outputs: OutputSpec[], inputs: Record<string, string | undefined>): void {
  const problem = overlappingPaths(
    outputs.filter((o) => o.path).map((o) => ({ flag: o.flag ?? `--report ${o.format}=${o.path}`, path: o.path! })),
    Object.entries(inputs).flatMap(([flag, file]) => (file ? [{ flag, path: file }] : [])),
  );
  if (problem) throw new UsageError(problem);
}

export async function writeReports(report: AuditReport, specs: OutputSpec[], options: Omit<ReportOptions, 'color'> = {}): Promise<void> {
  const colorOk = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const rendered = await Promise.all(
    specs.map(async (s) => ({ spec: s, text: await render(s.format, report, { ...options, color: !s.path && colorOk }) })),
  );
  await writeFilesSafely(rendered.filter((r) => r.spec.path).map((r) => ({ path: r.spec.path!, content: r.text })));
  for (const { spec, text } of rendered) {
    if (!spec.path) process.stdout.write(text);
  }
}
