import type { Command } from 'commander';

interface QueueFlags {
  queue: string;
  json?: boolean;
}

export function register(program: Command): void {
  const queue = program.command('queue').description('the job queue of sweeps run on many machines (flb sweep --queue, flb worker)');

  queue
    .command('status')
    .description('jobs by state and by sweep, which worker runs which run, and why jobs failed')
    .requiredOption('--queue <url>', 'redis://[:PASSWORD@]HOST:PORT[/DB], rediss://… for TLS')
    .option('--json', 'print the status as one JSON object')
    .action(async (flags: QueueFlags) => {
      const { parseQueueUrl } = await import('../../sweep/queue/queue-connection.js');
      const { queueStatus } = await import('../../sweep/queue/queue-admin.js');
      const { statusText } = await import('../../sweep/queue/queue-status-text.js');
      const status = await queueStatus(parseQueueUrl(flags.queue));
      process.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : statusText(status));
    });

  queue
    .command('clean')
    .description('remove the finished (completed and failed) jobs, of one sweep or of all; queued and running jobs stay')
    .requiredOption('--queue <url>', 'redis://[:PASSWORD@]HOST:PORT[/DB], rediss://… for TLS')
    .option('--sweep <name>', 'only the jobs of this sweep')
    .option('--json', 'print the result as JSON')
    .action(async (flags: QueueFlags & { sweep?: string }) => {
      const { parseQueueUrl } = await import('../../sweep/queue/queue-connection.js');
      const { cleanQueue } = await import('../../sweep/queue/queue-admin.js');
      const result = await cleanQueue(parseQueueUrl(flags.queue), flags.sweep ?? null);
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const scope = flags.sweep ? ` of sweep ${flags.sweep}` : '';
        const left = result.unfinished ? `; ${result.unfinished} queued or running left alone` : '';
        process.stdout.write(`removed ${result.removed} finished job${result.removed === 1 ? '' : 's'}${scope}${left}\n`);
      }
    });
}
