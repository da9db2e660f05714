// Placeholder until the markdown report lands (issue in progress); replaced, not shipped.
import type { AuditReport } from '../engine/types.js';
import type { ReportOptions } from './index.js';

export function renderMarkdown(_report: AuditReport, _options: ReportOptions = {}): string {
  throw new Error('the markdown report is not built yet');
}
