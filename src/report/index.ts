/**
 * The report formats. Each is a pure function from an AuditReport to text, loaded on demand so a
 * run pays only for the formats it writes.
 */
import type { AuditReport } from '../engine/types.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html', 'junit', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  /** ANSI colours (text only); the CLI sets it for a TTY. */
  color?: boolean;
  /** Include passing results in SARIF (`--sarif-passes`). */
  sarifPasses?: boolean;
  /** Text: wrap lines to this many columns (the CLI sets the terminal's width on a TTY). */
  width?: number;
  /** Text: list passing and not-applicable results too (`--verbose`). */
  verbose?: boolean;
  /** Text: the gate line alone (`--quiet`). */
  quiet?: boolean;
  /**
   * SARIF: maps a resource's `.tf` path (as the input gave it) to a path relative to the source
   * root GitHub resolves against (the repository root); undefined leaves the default rule.
   */
  sourcePath?: (file: string) => string | undefined;
}

export type Renderer = (report: AuditReport, options: ReportOptions) => string;

const loaders: Record<ReportFormat, () => Promise<Renderer>> = {
  text: async () => (await import('./text.js')).renderText,
  json: async () => (await import('./json.js')).renderJson,
  sarif: async () => (await import('./sarif.js')).renderSarif,
  html: async () => (await import('./html.js')).renderHtml,
  junit: async () => (await import('./junit.js')).renderJunit,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
};

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export async function render(format: ReportFormat, report: AuditReport, options: ReportOptions = {}): Promise<string> {
  return (await loaders[format]())(report, options);
}
