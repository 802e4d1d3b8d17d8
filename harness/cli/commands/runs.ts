import type { Command } from 'commander';

/** `flb runs migrate DIR`: run folders made before runs were keyed by their resolved definition get their new key. */
export function register(program: Command): void {
  const runs = program.command('runs').description('maintain run folders');
  runs
    .command('migrate')
    .description('re-key run folders made before parameters were resolved before hashing (one-time; safe to repeat)')
    .argument('<dir>', 'a run folder, or a folder of runs such as runs/demo')
    .option('--json', 'print the result as one JSON object')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const { migrateRuns } = await import('../../training/migrate-runs.js');
      const result = await migrateRuns(dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ migrations: result })}\n`);
        return;
      }
      for (const m of result) {
        if (m.state === 'rekeyed') process.stdout.write(`re-keyed ${m.from}${m.to === m.from ? '' : ` → ${m.to}`}\n`);
        if (m.state === 'skipped') process.stdout.write(`skipped  ${m.from}: ${m.reason}\n`);
      }
      const current = result.filter((m) => m.state === 'current').length;
      process.stdout.write(`${result.filter((m) => m.state === 'rekeyed').length} re-keyed, ${current} already current, ${result.filter((m) => m.state === 'skipped').length} skipped\n`);
    });
}
