// Placeholder until the html report lands (issue in progress); replaced, not shipped.
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';

export function renderHtml(_report: AuditReport, _options: ReportOptions = {}): string {
  throw new Error('the html report is not built yet');
}
