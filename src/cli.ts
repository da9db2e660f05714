/**
 * The command line. Commands live in src/cli/<command>.ts; each handler returns its exit code.
 * Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage/policy/input error, 3 incomplete.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from './errors.js';
import { writeErrorLine } from './inert.js';
import { TOOL_VERSION } from './version.js';
import { UsageError } from './cli/usage-error.js';
import { checkCommand } from './cli/check.js';
import { rulesCommand } from './cli/rules.js';
import { mergeCommand } from './cli/merge.js';
import { auditCommand } from './cli/audit.js';
import { collectCommand } from './cli/collect.js';
import { emulatorCommand } from './cli/emulator.js';

type Handler = (args: never) => Promise<number>;

function run(handler: Handler) {
  return async (args: unknown) => {
    process.exitCode = await handler(args as never);
  };
}

/** The one line an error is shown as (DEBUG=gke-private-audit adds the stack for a developer). */
export function errorLine(e: unknown): string {
  if (e instanceof InputError) return e.toLine();
  if (e instanceof UsageError) return e.message;
  const error = e instanceof Error ? e : new Error(String(e));
  if (/\bgke-private-audit\b/.test(process.env.DEBUG ?? '')) return error.stack ?? error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const first = error.message.split('\n')[0].trim() || error.name;
  return `internal error: ${code && !first.includes(code) ? `${code}: ` : ''}${first} (run with DEBUG=gke-private-audit for details)`;
}

export async function main(argv: string[]): Promise<void> {
  // `... | head` closes the pipe early: stop quietly, keeping the exit code already decided.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
  const commands = [auditCommand, collectCommand, checkCommand, rulesCommand, mergeCommand, emulatorCommand];
  let cli = yargs(argv)
    .scriptName('gke-private-audit')
    .version(TOOL_VERSION)
    .strict()
    .demandCommand(1, 'Give a command (see --help)')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of commands) {
    cli = cli.command(c.command, c.describe, c.builder as never, run(c.handler as Handler));
  }
  try {
    await cli.parseAsync();
  } catch (e) {
    // One line whatever went wrong: a stack trace tells a CI log reader nothing about their input.
    writeErrorLine(`gke-private-audit: ${errorLine(e)}`);
    process.exitCode = 2;
  }
}

await main(hideBin(process.argv));
