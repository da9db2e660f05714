/** `rules list` and `rules show ID`: the catalogue as the policy in force sees it. */
import type { Argv } from 'yargs';
import { RULES, findRule } from '../rules/index.js';
import { ruleHelpUri } from '../version.js';
import { resolvePolicy } from './common.js';
import { UsageError } from './usage-error.js';
import { didYouMean } from './suggest.js';
import { ARTICLE, sectionText } from '../rules/article.js';

export const rulesCommand = {
  command: 'rules <action> [id]',
  describe: 'List the rules, or show one with its rationale and remediation',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['list', 'show'] as const, describe: 'list | show' })
      .positional('id', { type: 'string', describe: 'Rule id (for show)' })
      .option('config', { type: 'string', describe: 'Policy file, to show effective severities' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text (a table) or json (for scripts)' }),
  handler: async (args: { action: 'list' | 'show'; id?: string; config?: string; format: 'text' | 'json' }): Promise<number> => {
    const policy = resolvePolicy(args.config);
    if (args.action === 'list' && args.format === 'json') {
      const rules = RULES.map(({ meta: m }) => ({
        id: m.id,
        title: m.title,
        severity: policy.rules[m.id] ?? m.defaultSeverity,
        defaultSeverity: m.defaultSeverity,
        enabled: policy.rules[m.id] !== 'off',
        subject: m.subject,
        articleSection: m.articleSection,
        helpUri: ruleHelpUri(m.id),
      }));
      process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
      return 0;
    }
    if (args.action === 'list') {
      const rows = RULES.map((r) => {
        const setting = policy.rules[r.meta.id] ?? r.meta.defaultSeverity;
        return [r.meta.id, setting, r.meta.subject, r.meta.title];
      });
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), ['ID', 'SEVERITY', 'SUBJECT'][i].length));
      const fmt = (row: string[]): string => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ');
      process.stdout.write([fmt(['ID', 'SEVERITY', 'SUBJECT', 'TITLE']), ...rows.map(fmt)].join('\n') + '\n');
      return 0;
    }
    if (!args.id) throw new UsageError('rules show needs a rule id (see `rules list`)');
    const rule = findRule(args.id);
    if (!rule) throw new UsageError(`unknown rule id "${args.id}"${didYouMean(args.id, RULES.map((r) => r.meta.id))} (see \`rules list\`)`);
    if (args.format === 'json') {
      process.stdout.write(`${JSON.stringify({ ...rule.meta, severity: policy.rules[rule.meta.id] ?? rule.meta.defaultSeverity, helpUri: ruleHelpUri(rule.meta.id) }, null, 2)}\n`);
      return 0;
    }
    const m = rule.meta;
    process.stdout.write(
      [
        `${m.id} — ${m.title}`,
        `severity: ${policy.rules[m.id] ?? m.defaultSeverity} (default ${m.defaultSeverity}); subject: ${m.subject}`,
        `source: ${sectionText(m.articleSection)} of ${ARTICLE.title} (${ARTICLE.docs})`,
        '',
        m.description,
        '',
        `Why: ${m.rationale}`,
        '',
        'Remediation (gcloud):',
        m.remediation.gcloud.replace(/^/gm, '  '),
        '',
        'Remediation (Terraform):',
        m.remediation.terraform.replace(/^/gm, '  '),
        '',
        `More: ${ruleHelpUri(m.id)}`,
      ].join('\n') + '\n',
    );
    return 0;
  },
};
