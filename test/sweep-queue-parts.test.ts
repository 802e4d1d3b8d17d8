import test from 'ava';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../harness/core/errors.js';
import { connectRedis, INTERACTIVE_RECONNECT, parseQueueUrl } from '../harness/sweep/queue/queue-connection.js';
import { FileRunStore, type RunStatus } from '../harness/run-store/run-store.js';
import { buildLeaderboard } from '../harness/sweep/leaderboard-build.js';
import { enqueueRuns } from '../harness/sweep/queue/enqueue.js';
import { storeWithOutcomes } from '../harness/sweep/queue/job-outcomes.js';
import { evaluationSummary, QUEUE_NAME, type RunJobData, type RunJobResult } from '../harness/sweep/queue/run-job.js';
import { watchJobs } from '../harness/sweep/queue/watch-jobs.js';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';
import { runCli } from './helpers/cli.js';
import { makeTestCertificate, startRedis } from './helpers/redis-server.js';

/**
 * The parts of a queued sweep, each on its own: the --queue URL, the connection (password, TLS), lazy loading,
 * and what enqueueing and following jobs make of each job's state (jobs ended by a worker in this process).
 */

test('--queue URLs: the password is masked in messages; other schemes, no host or a non-numeric database are refused', (t) => {
  const q = parseQueueUrl('redis://:s3cret@db.example:6380/2');
  t.is(q.url, 'redis://:s3cret@db.example:6380/2', 'passed to ioredis as given');
  t.is(q.shown, 'redis://:***@db.example:6380/2');
  t.is(parseQueueUrl('rediss://user:pw@db.example').shown, 'rediss://user:***@db.example');
  t.throws(() => parseQueueUrl('http://db.example:6379'), { instanceOf: UserError, message: /^--queue: 'http:' URLs are not supported; expected redis:\/\// });
  t.throws(() => parseQueueUrl('db.example'), { instanceOf: UserError, message: /^--queue 'db\.example': not a URL/ });
  t.throws(() => parseQueueUrl('redis://db.example/queue'), { instanceOf: UserError, message: /^--queue: '\/queue' is not a database number/ });
});

test('a job hands back its evaluation without the curves: scalars and small maps only', (t) => {
  const result = {
    protocol: 'lfw',
    dataset: 'synth-tiny-lfw',
    accuracy: 0.75,
    thresholds: [0.1, 0.2],
    roc: [{ fpr: 0, tpr: 0 }],
    tarAtFar: { '1e-3': 0.5, '1e-2': null },
    counts: { pairs: 600, folds: { sizes: [60, 60] }, positives: 300 },
  };
  t.deepEqual(evaluationSummary(result), {
    protocol: 'lfw',
    dataset: 'synth-tiny-lfw',
    accuracy: 0.75,
    tarAtFar: { '1e-3': 0.5, '1e-2': null },
    counts: { pairs: 600, folds: {}, positives: 300 },
  });
});

test('a password-protected Redis: the right password connects, a missing or wrong one is one clear line', async (t) => {
  const redis = await startRedis({ password: 'pw' });
  t.teardown(() => redis.stop());
  const client = await connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT);
  t.is(await client.ping(), 'PONG');
  client.disconnect();
  const bare = `redis://127.0.0.1:${redis.port}`;
  await t.throwsAsync(connectRedis(parseQueueUrl(bare), INTERACTIVE_RECONNECT), {
    instanceOf: UserError,
    message: `cannot use the Redis at ${bare} (--queue): it asks for a password (NOAUTH); give it in the URL: redis://:PASSWORD@HOST:PORT`,
  });
  await t.throwsAsync(connectRedis(parseQueueUrl(`redis://:nope@127.0.0.1:${redis.port}`), INTERACTIVE_RECONNECT), {
    instanceOf: UserError,
    message: `cannot use the Redis at redis://:***@127.0.0.1:${redis.port} (--queue): wrong user name or password (WRONGPASS)`,
  });
  await redis.stop();
  await t.throwsAsync(connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT), { instanceOf: UserError, message: /ECONNREFUSED/ });
});

test('rediss:// (TLS): `flb queue status` connects with the CA trusted the Node way; an untrusted certificate is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flb-tls-'));
  const tls = makeTestCertificate(dir);
  const redis = await startRedis({ password: 'pw', tls });
  t.teardown(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.regex(redis.url, /^rediss:\/\//);
  const r = await runCli(['queue', 'status', '--queue', redis.url, '--json'], { env: { NODE_EXTRA_CA_CERTS: tls.ca } });
  t.is(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { queue: string; counts: Record<string, number> };
  t.is(status.queue, `rediss://:***@127.0.0.1:${redis.port}`);
  t.is(status.counts.waiting, 0);
  // This process does not trust the test CA.
  await t.throwsAsync(connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT), { instanceOf: UserError, message: /: self-signed certificate in certificate chain$/ });
});

/** Bare package names a module reaches through static (non-type) imports, following our own files. */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  };
  visit(entry);
  return packages;
}

test('without --queue nothing of BullMQ or Redis is loaded: the CLI reaches them only through dynamic imports', (t) => {
  const harness = fileURLToPath(new URL('../harness/', import.meta.url));
  const cli = staticPackages(join(harness, 'cli', 'main.ts'));
  t.true(cli.has('commander') && cli.has('@tensorflow/tfjs'), 'the walk follows the CLI into its commands');
  t.false(cli.has('bullmq'));
  t.false(cli.has('ioredis'));
  // The same walk does find them where they are used.
  const worker = staticPackages(join(harness, 'sweep', 'queue', 'worker.ts'));
  t.true(worker.has('bullmq') && worker.has('ioredis'));
});

test('enqueueing twice queues each run once; a finished job is reused, a failed job or run queued again; failed jobs count as failed runs', async (t) => {
  const redis = await startRedis();
  const connection = await connectRedis(parseQueueUrl(redis.url), INTERACTIVE_RECONNECT);
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection });
  const dir = mkdtempSync(join(tmpdir(), 'flb-enqueue-'));
  t.teardown(async () => {
    await queue.close();
    connection.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = {
    name: 'enqueue',
    train: { dataset: 'synth-tiny', steps: 10 },
    seeds: [1, 2, 3, 4],
    losses: ['cosface'],
    evaluate: ['synth-tiny-lfw'],
  };
  // synth-tiny is only planned here (it would be generated on first use), never read.
  const dataRoot = join(dir, 'data');
  const plan = await planSweep(parseSweepConfig(config, join(dir, 'enqueue.json')), { dataRoot });
  const store = new FileRunStore(join(dir, 'runs', 'enqueue'));
  const [a, b, c, d] = plan.runs.map((r) => r.id) as [string, string, string, string];
  // d finished before, as its run folder shows.
  const finished = store.run(d);
  finished.writeConfig({});
  finished.writeStatus({ state: 'done', step: 10 });
  finished.writeResult('lfw', { dataset: 'synth-tiny-lfw', accuracy: 0.5 });

  const actions = async () => (await enqueueRuns(queue, plan, store, plan.runs, { sweepDir: store.root, dataRoot })).map((e) => e.action);
  t.deepEqual(await actions(), ['queued', 'queued', 'queued', 'finished']);
  t.deepEqual(await actions(), ['attached', 'attached', 'attached', 'finished']);
  t.is(await queue.getJobCountByTypes('waiting'), 3);

  // A stand-in worker ends them: a done run (a), a run that failed as a run (b), a job that could not start (c).
  const worker = new Worker<RunJobData, RunJobResult>(
    QUEUE_NAME,
    async (job): Promise<RunJobResult> => {
      if (job.id === c) throw new UnrecoverableError('plugin file not found: /gone/half-margin.ts');
      const done = job.id === a;
      const status: RunStatus = { state: done ? 'done' : 'failed', step: done ? 10 : 3, reason: done ? undefined : 'train: out of memory', updatedAt: '' };
      const results: RunJobResult['results'] = done ? { lfw: { dataset: 'synth-tiny-lfw', accuracy: 0.75 } } : {};
      return { run: job.id!, worker: 'test', status, results, resumedFrom: null };
    },
    { connection, name: 'test' },
  );
  const watched = await watchJobs(queue, [a, b, c].map((id) => ({ id, units: 10 })), {
    label: 'enqueue',
    progress: 'quiet',
    pollMs: 50,
    signal: new AbortController().signal,
    onEnded: () => {},
  });
  await worker.close();
  t.is(watched.pending, 0);
  t.deepEqual([...watched.outcomes.values()].map((o) => [o.run, o.state]).sort(), [[a, 'completed'], [b, 'completed'], [c, 'failed']].sort());

  // The leaderboard through the queue's results: a and d done (accuracy mean (0.75 + 0.5) / 2, population std
  // 0.125), b failed as a run, c failed as a job with the worker's message.
  const row = buildLeaderboard(plan, storeWithOutcomes(watched.outcomes, store)).rows[0]!;
  t.deepEqual(row.seeds, { planned: 4, done: 2, diverged: 0, failed: 2 });
  t.deepEqual(row.metrics['lfw.accuracy'], { mean: 0.625, std: 0.125, n: 2 });
  t.deepEqual(row.failures.map((f) => [f.run, f.step, f.reason]), [
    [b, 3, 'train: out of memory'],
    [c, 0, 'plugin file not found: /gone/half-margin.ts (worker test)'],
  ]);

  t.deepEqual(await actions(), ['attached', 'requeued', 'requeued', 'finished']);
  t.is(await queue.getJobCountByTypes('waiting'), 2);
  t.is(await queue.getJobCountByTypes('completed'), 1);
});
