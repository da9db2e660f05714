/** The JSON report: the AuditReport itself, versioned; its schema is schemas/report.schema.json. */
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';
import { NOTHING_TO_CHECK, nothingToCheck } from './present.js';

export const JSON_REPORT_VERSION = 1;

export interface JsonReport extends AuditReport {
  $schema: string;
  reportVersion: typeof JSON_REPORT_VERSION;
  /** Present when the input held nothing this tool reads: `nothing to check: …`. */
  note?: string;
}

export function renderJson(report: AuditReport, _options: ReportOptions = {}): string {
  const out: JsonReport = {
    $schema: 'https://gke-private-audit.dev/schemas/report.schema.json',
    reportVersion: JSON_REPORT_VERSION,
    ...report,
    ...(nothingToCheck(report) ? { note: NOTHING_TO_CHECK } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
