import test from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureSynthetic } from '../harness/data/synthetic/make.js';
import { resolveDataset } from '../harness/data/registry/registry.js';
import { FileRunStore } from '../harness/run-store/run-store.js';
import { defaultStages } from '../harness/sweep/default-stages.js';
import { buildLeaderboard } from '../harness/sweep/leaderboard-build.js';
import type { Leaderboard } from '../harness/run-store/leaderboard.js';
import { queueStatus } from '../harness/sweep/queue/queue-admin.js';
import { parseQueueUrl } from '../harness/sweep/queue/queue-connection.js';
import { QUEUE_NAME, type RunJobResult } from '../harness/sweep/queue/run-job.js';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';
import { runSweep } from '../harness/sweep/sweep-runner.js';
import { startCli, type CliProcess } from './helpers/cli-process.js';
import { loggedSteps } from './helpers/logged-steps.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';
import { TEST_BACKEND } from './helpers/test-backend.js';
import { USER_PLUGINS } from './helpers/user-plugins.js';

/**
 * A sweep on many machines, played on one: a real redis-server (with a password), three `flb worker` processes,
 * and `flb sweep --queue` commands that queue runs and wait for them. One worker is SIGKILLed in the middle of a
 * training; the leaderboard must still be the one the in-process sweep writes for the same config.
 */
const work = mkdtempSync(join(tmpdir(), 'flb-sweep-queue-'));
const dataRoot = join(work, 'data');
const PASSWORD = 'flb test password';
// Short locks so a dead worker's run is back in the queue within seconds (BullMQ's default is 30 s).
const WORKER_ENV = { FLB_WORKER_LOCK_MS: '4000' };

function writeConfig(name: string, body: Record<string, unknown>): { file: string; json: Record<string, unknown> } {
  const file = join(work, `${name}.json`);
  const json = { name, embedding: { flip: false, batchSize: 128 }, backend: TEST_BACKEND, ...body };
  writeFileSync(file, JSON.stringify(json));
  return { file, json };
}

// 2 losses × 2 seeds. 48 steps with a checkpoint every 8 and a metrics line every 4: a kill between steps 12
// and 32 lands past a checkpoint and well before the end.
const train = { dataset: 'synth-tiny', backbone: { name: 'mlp', params: { hidden: 64 } }, steps: 48, batchSize: 32, embeddingDim: 16, logEvery: 4, checkpointEvery: 8 };
const main = writeConfig('queued', { train, seeds: [1, 2], losses: ['cosface', { loss: 'arcface', params: { m: 0.3 } }], evaluate: ['synth-tiny-lfw'] });
// A second sweep whose user plugin will be missing on the workers. Other settings (steps), so other run keys.
mkdirSync(join(work, 'plugins'));
const pluginFile = join(work, 'plugins', 'half-margin.ts');
writeFileSync(pluginFile, USER_PLUGINS['half-margin']);
const pluginSweepConfig = writeConfig('plugin-gone', {
  train: { ...train, steps: 16 },
  seeds: [1],
  losses: ['half-margin', 'cosface'],
  evaluate: ['synth-tiny-lfw'],
  plugins: ['plugins/half-margin.ts'],
});

let redis: TestRedis;
const workers: CliProcess[] = [];
const sweeps: CliProcess[] = [];

test.before(async () => {
  redis = await startRedis({ password: PASSWORD });
  const tiny = resolveDataset('synth-tiny', { dataRoot });
  await ensureSynthetic(tiny.entry.generator!, tiny.recipe!, tiny.dataRoot, { progress: 'quiet' });
});

test.after.always(async () => {
  for (const p of [...workers, ...sweeps]) p.kill('SIGKILL');
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sweepArgs = (file: string, out: string) => ['sweep', '--config', file, '--queue', redis.url, '--out', out, '--data-root', dataRoot, '--threads', '1'];

/** The same config swept in this process, the way `flb sweep` without --queue does it. */
async function inProcessLeaderboard(out: string): Promise<Leaderboard> {
  const plan = await planSweep(parseSweepConfig(main.json, main.file), { dataRoot });
  const store = new FileRunStore(out);
  const stages = defaultStages({ dataRoot, plugins: [], backend: TEST_BACKEND, progress: 'quiet', embedding: plan.config.embedding, threads: 1, log: () => {} });
  try {
    await runSweep(plan, { store, stages, progress: 'quiet', log: () => {} });
  } finally {
    await stages.close();
  }
  return buildLeaderboard(plan, store);
}

const withoutDate = ({ createdAt: _, ...rest }: Leaderboard) => rest;
const readBoard = (dir: string) => JSON.parse(readFileSync(join(dir, 'leaderboard.json'), 'utf8')) as Leaderboard;

async function until<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

async function jobResult(id: string): Promise<RunJobResult> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    return (await queue.getJob(id))!.returnvalue as RunJobResult;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

test.serial('three workers run two queued sweeps; a worker SIGKILLed mid-training loses nothing, and a missing plugin fails only its own run', async (t) => {
  const url = parseQueueUrl(redis.url);
  const sweepCount = async (name: string, n: number) => ((await queueStatus(url)).sweeps.find((s) => s.sweep === name)?.counts.waiting === n ? true : null);

  // The plugin exists where the sweep command plans; it is gone by the time a worker takes the run.
  const pluginOut = join(work, 'runs', 'plugin-gone');
  const pluginSweep = startCli(sweepArgs(pluginSweepConfig.file, pluginOut));
  sweeps.push(pluginSweep);
  await until('the plugin sweep to queue its 2 runs', () => sweepCount('plugin-gone', 2), 60_000, 500);
  rmSync(pluginFile);

  const queuedOut = join(work, 'runs', 'queued');
  const queuedSweep = startCli(sweepArgs(main.file, queuedOut));
  sweeps.push(queuedSweep);
  await until('the main sweep to queue its 4 runs', () => sweepCount('queued', 4), 60_000, 500);
  const inProcess = inProcessLeaderboard(join(work, 'runs', 'in-process'));
  for (let i = 0; i < 3; i++) workers.push(startCli(['worker', '--queue', redis.url, '--data-root', dataRoot], { env: WORKER_ENV }));

  const plan = await planSweep(parseSweepConfig(main.json, main.file), { dataRoot });
  // A run of the main sweep past its first checkpoint and well before its end, and the worker running it.
  const victim = await until(
    'a run between steps 12 and 32',
    async () => {
      const run = plan.runs.find((r) => loggedSteps(join(queuedOut, r.id)).some((s) => s >= 12 && s <= 32));
      if (!run) return null;
      const worker = (await queueStatus(url)).running.find((r) => r.run === run.id)?.worker;
      const process = workers.find((w) => worker === `${hostname()}:${w.pid}`);
      return process ? { run, process, stepAtKill: Math.max(...loggedSteps(join(queuedOut, run.id))) } : null;
    },
    90_000,
    50,
  );
  victim.process.kill('SIGKILL');
  t.is((await victim.process.exited).signal, 'SIGKILL');
  const killedDir = join(queuedOut, victim.run.id);
  t.is(JSON.parse(readFileSync(join(killedDir, 'status.json'), 'utf8')).state, 'running', 'killed in the middle of training');

  const queued = await queuedSweep.exited;
  t.is(queued.code, 0, queued.stderr);
  t.regex(queued.stdout, /ArcFace \(m=0\.3\)\s+2\s+[0-9/]+( ✗)?\s+\d+\.\d\d ± \d+\.\d\d/);

  // Every planned run exactly once, all done, and the numbers of the in-process sweep.
  const board = readBoard(queuedOut);
  t.deepEqual(board.rows.flatMap((r) => r.runs).sort(), plan.runs.map((r) => r.id).sort());
  t.deepEqual(board.rows.map((r) => r.seeds), [{ planned: 2, done: 2, diverged: 0, failed: 0 }, { planned: 2, done: 2, diverged: 0, failed: 0 }]);
  t.deepEqual(withoutDate(board), withoutDate(await inProcess));

  // The killed run went on from its checkpoint on another worker: no step logged twice, none missing.
  const result = await jobResult(victim.run.id);
  t.not(result.worker, `${hostname()}:${victim.process.pid}`);
  t.true(result.resumedFrom !== null && result.resumedFrom >= 8 && result.resumedFrom % 8 === 0 && result.resumedFrom <= victim.stepAtKill + 4, `resumed from ${result.resumedFrom}, killed after step ${victim.stepAtKill}`);
  t.deepEqual(loggedSteps(killedDir), Array.from({ length: 12 }, (_, i) => 4 * (i + 1)));
  const workerLogs = workers.map((w) => w.stderr()).join('');
  t.regex(workerLogs, new RegExp(`\\[${victim.run.id}\\] resuming .* from step ${result.resumedFrom}`));

  // The run whose plugin is gone failed with that message, once (not retried); the other run finished.
  const pluginRun = await pluginSweep.exited;
  t.is(pluginRun.code, 1, pluginRun.stderr);
  const [halfMargin, cosface] = readBoard(pluginOut).rows;
  t.deepEqual(cosface!.seeds, { planned: 1, done: 1, diverged: 0, failed: 0 });
  t.deepEqual(halfMargin!.seeds, { planned: 1, done: 0, diverged: 0, failed: 1 });
  t.regex(halfMargin!.failures[0]!.reason, /plugin file not found: .*half-margin\.ts/);
  const failed = (await queueStatus(url)).failed;
  t.is(failed.length, 1);
  t.is(failed[0]!.attempts, 1);
  t.regex(failed[0]!.reason, /plugin file not found: .*half-margin\.ts/);

  // Ctrl-C / SIGTERM stops an idle worker cleanly.
  const survivors = workers.filter((w) => w !== victim.process);
  for (const w of survivors) w.kill('SIGTERM');
  for (const w of survivors) t.is((await w.exited).code, 0);
});
