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
import { CredentialsError } from './collectors/live/credentials.js';
import { checkCommand } from './cli/check.js';
import { rulesCommand } from './cli/rules.js';
import { mergeCommand } from './cli/merge.js';
import { auditCommand } from './cli/audit.js';
import { collectCommand } from './cli/collect.js';
import { emulatorCommand } from './cli/emulator.js';
import { doctorCommand } from './cli/doctor.js';
import { didYouMean } from './cli/suggest.js';

type Handler = (args: never) => Promise<number>;

function run(handler: Handler) {
  return async (args: unknown) => {
    process.exitCode = await handler(args as never);
  };
}

/** The one line an error is shown as (DEBUG=gke-private-audit adds the stack for a developer). */
export function errorLine(e: unknown): string {
  if (e instanceof InputError) return e.toLine();
  if (e instanceof UsageError || e instanceof CredentialsError) return e.message;
  const error = e instanceof Error ? e : new Error(String(e));
  if (/\bgke-private-audit\b/.test(process.env.DEBUG ?? '')) return error.stack ?? error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const first = error.message.split('\n')[0].trim() || error.name;
  return `internal error: ${code && !first.includes(code) ? `${code}: ` : ''}${first} (run with DEBUG=gke-private-audit for details)`;
}

/** yargs' "Unknown argument: fial-on" with the closest known option of the command. */
function withSuggestions(message: string, y: unknown): string {
  const invalid = /^Invalid values:\s+Argument: (\S+), Given: "([^"]*)", Choices: (.+)$/s.exec(message ?? '');
  if (invalid) {
    const choices = [...invalid[3].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    return `${invalid[1]} ${invalid[2]}: one of ${choices.join(', ')}${didYouMean(invalid[2], choices)}`;
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message ?? '');
  if (!unknown || !y) return (message ?? '').replace(/\s*\n\s*/g, ' ');
  const options = (y as { getOptions?(): { key: Record<string, unknown> } }).getOptions?.();
  if (!options) return message;
  const known = Object.keys(options.key).filter((k) => k.length > 1 && k !== '$0');
  const given = unknown[1].split(', ');
  // yargs lists `fial-on` and its camel-case twin `fialOn`: one is enough.
  const kebab = given.filter((arg) => !given.includes(arg.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)) || !/[A-Z]/.test(arg));
  const hints = kebab.map((arg) => `${arg.length > 1 ? '--' : '-'}${arg}${didYouMean(arg, known, '--')}`);
  return `unknown option ${hints.join(', ')}`;
}

/**
 * `--output -` means standard output; yargs would take the lone `-` for a positional argument, so
 * it is joined to its option first (`--output=-`).
 */
export function joinStdoutDash(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '--output' || argv[i] === '-o') && argv[i + 1] === '-') {
      out.push(`${argv[i]}=-`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  // `... | head` closes the pipe early: stop quietly, keeping the exit code already decided.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
  const commands = [auditCommand, collectCommand, checkCommand, doctorCommand, rulesCommand, mergeCommand, emulatorCommand];
  let cli = yargs(joinStdoutDash(argv))
    .scriptName('gke-private-audit')
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    // Every option also from the environment: --fail-on ← GKE_PRIVATE_AUDIT_FAIL_ON, and so on.
    .env('GKE_PRIVATE_AUDIT')
    .strict()
    .demandCommand(1, 'Give a command (see --help)')
    .recommendCommands()
    .completion('completion', 'Print a bash/zsh completion script (gke-private-audit completion >> ~/.bashrc)')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // The instance is the command's by now: its options are the ones a typo is compared with.
      throw err ?? new UsageError(withSuggestions(msg, cli));
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
