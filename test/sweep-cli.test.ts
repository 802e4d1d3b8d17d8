import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { loggedSteps } from './helpers/logged-steps.js';
import { TEST_BACKEND } from './helpers/test-backend.js';

/** `flb sweep` as a user runs it: real training, embedding and all three protocols on synth-tiny. */
const dataRoot = mkdtempSync(join(tmpdir(), 'flb-sweep-cli-data-'));
const work = mkdtempSync(join(tmpdir(), 'flb-sweep-cli-'));
const configFile = join(work, 'tiny.json');
const config = {
  name: 'tiny',
  train: {
    dataset: 'synth-tiny',
    backbone: { name: 'mlp', params: { hidden: 64 } },
    steps: 24,
    batchSize: 32,
    embeddingDim: 16,
    logEvery: 4,
    checkpointEvery: 8,
  },
  seeds: [1],
  losses: ['cosface', { loss: 'arcface', params: { m: 0.3 } }],
  evaluate: ['synth-tiny-lfw', 'synth-tiny-megaface', 'synth-tiny-ijbc'],
  embedding: { flip: false, batchSize: 128 },
  backend: TEST_BACKEND,
};
writeFileSync(configFile, JSON.stringify(config));
const sweepArgs = (out: string) => ['sweep', '--config', configFile, '--data-root', dataRoot, '--out', out, '--threads', '1'];

test.before(async () => {
  const r = await runCli(['datasets', 'make', 'synth-tiny', '--data-root', dataRoot, '--quiet']);
  if (r.code !== 0) throw new Error(`datasets make failed: ${r.stderr}`);
});

const leaderboardOf = (dir: string) => {
  const { createdAt: _, ...rest } = JSON.parse(readFileSync(join(dir, 'leaderboard.json'), 'utf8')) as Record<string, unknown>;
  return rest;
};

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI = fileURLToPath(new URL('../harness/cli/main.ts', import.meta.url));

/** Starts `flb ARGS` and SIGKILLs it once `ready()` holds; resolves when the process is gone. */
function killWhen(args: string[], ready: () => boolean): Promise<{ killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], { cwd: REPO_ROOT, stdio: 'ignore' });
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 25);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve({ killed: signal === 'SIGKILL' });
    });
  });
}

test.serial('a sweep killed (SIGKILL) in the middle of a training, then run again, ends with the leaderboard of an uninterrupted sweep', async (t) => {
  const plan = await planSweep(parseSweepConfig(config, configFile), { dataRoot });
  const second = plan.runs[1]!.id;

  const straightDir = join(work, 'straight');
  const straight = await runCli(sweepArgs(straightDir));
  t.is(straight.code, 0, straight.stderr);
  t.regex(straight.stdout, /ArcFace \(m=0\.3\)\s+1\s+[0-9/]+( ✗)?\s+\d+\.\d\d/);
  t.regex(straight.stdout, /leaderboard: .*leaderboard\.json and .*leaderboard\.csv/);

  const killedDir = join(work, 'killed');
  // Past the checkpoint at step 8 of the second run, before its end at step 24.
  const { killed } = await killWhen(sweepArgs(killedDir), () => loggedSteps(join(killedDir, second)).some((s) => s >= 12));
  t.true(killed);
  const status = JSON.parse(readFileSync(join(killedDir, second, 'status.json'), 'utf8')) as { state: string };
  t.is(status.state, 'running', 'killed mid-training');
  t.false(existsSync(join(killedDir, second, 'eval')));

  const resumed = await runCli(sweepArgs(killedDir));
  t.is(resumed.code, 0, resumed.stderr);
  t.regex(resumed.stderr, new RegExp(`resuming .*${second} from step (8|16)`));
  t.deepEqual(leaderboardOf(killedDir), leaderboardOf(straightDir));
  t.deepEqual(readdirSync(join(killedDir, second, 'eval')).sort(), ['ijbc.json', 'lfw.json', 'megaface.json']);
});

test('--dry-run of the paper config validates here and names each missing dataset with how to obtain it (exit 4)', async (t) => {
  const r = await runCli(['sweep', '--config', join(REPO_ROOT, 'sweeps', 'paper.json'), '--dry-run', '--data-root', dataRoot]);
  t.is(r.code, 4, r.stderr);
  t.regex(r.stdout, /8 loss variants × 3 seeds = 24 runs/);
  t.regex(r.stdout, /iresnet \{"depth":50\}, 512-d/);
  for (const [name, hint] of [['casia-webface', /CASIA-WebFace is no longer distributed/], ['lfw', /vis-www\.cs\.umass\.edu\/lfw/], ['megaface', /megaface_testpack/], ['ijbc', /request IJB-C from NIST/]] as const) {
    t.regex(r.stdout, new RegExp(`\\n  ${name}\\s+\\S+\\s+MISSING`));
    t.regex(r.stdout, hint);
  }
  t.regex(r.stderr, /not ready: 4 datasets missing \(casia-webface, lfw, megaface, ijbc\)/);
  t.false(existsSync(join(REPO_ROOT, 'runs', 'paper')), 'a dry run writes nothing');
});

test('--dry-run of a runnable config lists its runs and exits 0', async (t) => {
  const out = join(work, 'dry');
  const r = await runCli([...sweepArgs(out), '--dry-run']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /2 loss variants × 1 seed = 2 runs/);
  t.regex(r.stdout, /synth-tiny-megaface\s+megaface\s+present/);
  t.regex(r.stdout, /CosFace\s+1\s+cosface-[0-9a-f]{12}\s+train, then evaluate lfw, megaface, ijbc/);
  t.regex(r.stdout, /ready: every dataset is present or will be generated/);
  t.false(existsSync(out));
});

test('an invalid config stops before anything runs, naming the file and the key (exit 2)', async (t) => {
  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...config, losses: ['cosface', { loss: 'arcface', params: { m: [0.3, 9] } }] }));
  const out = join(work, 'bad-out');
  const r = await runCli(['sweep', '--config', bad, '--data-root', dataRoot, '--out', out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /bad\.json: losses\[1\] \(arcface \{"m":9\}\): loss 'arcface': parameter 'm' = 9 is out of range/);
  t.false(existsSync(out));
});
