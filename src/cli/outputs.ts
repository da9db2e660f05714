/**
 * Report outputs: `--report FORMAT[=PATH]` (repeatable) and the `--format/--output` shorthand.
 * Everything is rendered first and written last, each file atomically (temp file + rename) with
 * its parent directories created, so a failed run leaves nothing half-written.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { AuditReport } from '../engine/types.js';
import { isReportFormat, render, REPORT_FORMATS, type ReportFormat, type ReportOptions } from '../report/index.js';
import { UsageError } from './usage-error.js';

export interface OutputSpec {
  format: ReportFormat;
  /** Undefined or `-`: standard output. */
  path?: string;
}

export function parseReportSpec(spec: string): OutputSpec {
  const eq = spec.indexOf('=');
  const format = eq < 0 ? spec : spec.slice(0, eq);
  const file = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!isReportFormat(format)) {
    throw new UsageError(`--report ${spec}: unknown format "${format}" (one of ${REPORT_FORMATS.join(', ')})`);
  }
  if (file === '') throw new UsageError(`--report ${spec}: empty path`);
  return { format, path: file === '-' ? undefined : file };
}

export function outputSpecs(args: { report?: string[]; format?: string; output?: string }): OutputSpec[] {
  const specs = (args.report ?? []).map(parseReportSpec);
  if (args.format !== undefined || args.output !== undefined || specs.length === 0) {
    const format = args.format ?? 'text';
    if (!isReportFormat(format)) throw new UsageError(`--format ${format}: one of ${REPORT_FORMATS.join(', ')}`);
    specs.unshift({ format, path: args.output === '-' ? undefined : args.output });
  }
  if (specs.filter((s) => !s.path).length > 1) {
    throw new UsageError('only one report can go to standard output; give the others a path (--report FORMAT=PATH)');
  }
  return specs;
}

export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function writeReports(report: AuditReport, specs: OutputSpec[], options: ReportOptions = {}): Promise<void> {
  const colorOk = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  // Colours and wrapping are for the terminal: a report file gets neither.
  const rendered = await Promise.all(
    specs.map(async (s) => ({ spec: s, text: await render(s.format, report, { ...options, color: !s.path && colorOk, width: s.path ? undefined : options.width }) })),
  );
  for (const { spec, text } of rendered) {
    if (spec.path) writeFileAtomic(spec.path, text);
  }
  for (const { spec, text } of rendered) {
    if (!spec.path) process.stdout.write(text);
  }
}
