// Placeholder until the junit report lands (issue in progress); replaced, not shipped.
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';

export function renderJunit(_report: AuditReport, _options: ReportOptions = {}): string {
  throw new Error('the junit report is not built yet');
}
