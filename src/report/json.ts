/** The JSON report: the AuditReport itself, versioned; its schema is schemas/report.schema.json. */
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';

export const JSON_REPORT_VERSION = 1;

export interface JsonReport extends AuditReport {
  $schema: string;
  reportVersion: typeof JSON_REPORT_VERSION;
}

export function renderJson(report: AuditReport, _options: ReportOptions = {}): string {
  const out: JsonReport = {
    $schema: 'https://gke-private-audit.dev/schemas/report.schema.json',
    reportVersion: JSON_REPORT_VERSION,
    ...report,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
