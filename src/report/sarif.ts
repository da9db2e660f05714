// Placeholder until the sarif report lands (issue in progress); replaced, not shipped.
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';

export function renderSarif(_report: AuditReport, _options: ReportOptions = {}): string {
  throw new Error('the sarif report is not built yet');
}
