import type { Command } from 'commander';
import { resolve } from 'node:path';
import { integerOption } from '../options.js';
import { ExitCode, UserError } from '../../core/errors.js';

interface WorkerFlags {
  queue: string;
  concurrency: number;
  runsDir?: string;
  dataRoot?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run the queued runs of sweeps (flb sweep --queue): each run trained, embedded and evaluated in a child process')
    .requiredOption('--queue <url>', 'the Redis the sweeps are queued on: redis://[:PASSWORD@]HOST:PORT[/DB], rediss://… for TLS')
    .option('--concurrency <n>', 'runs at a time (default 1: one GPU, or one CPU machine)', integerOption(1), 1)
    .option('--runs-dir <dir>', "this machine's path of the folder that holds the sweep folders, where it differs from the sweep command's (default: the sweep command's path)")
    .option('--data-root <dir>', "where datasets live here (default: $FLB_DATA_ROOT, else the sweep command's data root)")
    .option('--quiet', 'no log lines')
    .addHelpText(
      'after',
      [
        '',
        'One worker per GPU: start one per device, each seeing only its own, e.g.',
        '  CUDA_VISIBLE_DEVICES=0 flb worker --queue redis://HOST:6379 &',
        '  CUDA_VISIBLE_DEVICES=1 flb worker --queue redis://HOST:6379 &',
        '',
        'Ctrl-C (or SIGTERM) stops taking runs: a training in progress checkpoints and goes back to the queue for the next',
        'worker, an evaluation in progress finishes first. A second Ctrl-C exits at once; the run then returns to the queue',
        'when its lock expires ($FLB_WORKER_LOCK_MS, default 30000), as when a worker is killed.',
      ].join('\n'),
    )
    .action(async (flags: WorkerFlags) => {
      // Loaded here, not at the top: without --queue nothing of BullMQ or Redis is loaded.
      const { parseQueueUrl } = await import('../../sweep/queue/queue-connection.js');
      const { lockMsFromEnv, startWorker } = await import('../../sweep/queue/worker.js');
      const queue = parseQueueUrl(flags.queue);
      const log = flags.quiet ? () => {} : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const dataRoot = flags.dataRoot ?? process.env.FLB_DATA_ROOT;
      const worker = await startWorker({
        queue,
        concurrency: flags.concurrency,
        runsDir: flags.runsDir ? resolve(flags.runsDir) : null,
        dataRoot: dataRoot ? resolve(dataRoot) : null,
        lockMs: lockMsFromEnv(),
        log,
      });
      log(`worker ${worker.name} takes runs from ${queue.shown}, ${flags.concurrency} at a time; Ctrl-C stops it`);
      let signals = 0;
      const onSignal = () => {
        if (++signals > 1) process.exit(ExitCode.interrupted);
        log('stopping: a training in progress checkpoints and goes back to the queue (Ctrl-C again to exit at once)');
        void worker.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const { lost } = await worker.done;
      if (lost) throw new UserError(lost, ExitCode.failure);
      log(`worker ${worker.name} stopped`);
      // The forked job processes and Redis handles are closed; nothing should keep the process, but nothing must.
      process.exit(ExitCode.ok);
    });
}
