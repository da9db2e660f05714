/** `merge`: join the SARIF logs (or the JSON reports) of several shards into one file. */
import { writeErrorLine } from '../inert.js';
import type { Argv } from 'yargs';
import { readInputText } from '../errors.js';
import { SEVERITIES, type FailOn } from '../engine/types.js';
import { mergeShards, parseShard } from '../report/merge.js';
import { refuseOverlaps, writeOutputFile } from './outputs.js';
import { UsageError } from './usage-error.js';

interface MergeArgs {
  files: string[];
  output?: string;
  'fail-on'?: FailOn;
}

export const mergeCommand = {
  command: 'merge <files..>',
  describe: 'Merge shard outputs: SARIF logs into one log (one run per category), or JSON reports into one report',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'SARIF or JSON report files, all of one kind' })
      .option('output', { alias: 'o', type: 'string', describe: 'Where the merged file goes (default: standard output)' })
      .option('fail-on', {
        choices: [...SEVERITIES, 'none'] as const,
        describe: 'JSON reports: the threshold for the recomputed verdict (default: the inputs\', when they agree)',
      }),
  handler: async (args: MergeArgs): Promise<number> => {
    const files = args.files ?? [];
    if (files.length === 0) throw new UsageError('merge needs at least one input file');
    if (args.output && args.output !== '-') {
      refuseOverlaps([{ format: 'json', path: args.output, flag: `--output ${args.output}` }], Object.fromEntries(files.map((f) => [f, f])));
    }
    // Every input is read and checked before anything is written.
    const shards = files.map((f) => parseShard(readInputText(f, 'report'), f));
    const merged = mergeShards(shards, { failOn: args['fail-on'] });
    for (const w of merged.warnings) writeErrorLine(`warning: ${w}`);
    if (args.output && args.output !== '-') await writeOutputFile(args.output, merged.text);
    else process.stdout.write(merged.text);
    return 0;
  },
};
