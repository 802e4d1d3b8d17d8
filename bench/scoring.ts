/**
 * bench:scoring — the scoring engine's speed and memory at the protocols' full scale, one JSON line per case,
 * with numpy's time for the same computation beside ours when python3 has numpy.
 *
 *   npm run bench:scoring [-- --cases kernel,megaface,ijbc] [--distractors 1000000] [--threads N] [--no-numpy]
 *
 * kernel:   probes × gallery similarity + per-probe top-10 through the pool (3,530 × 65,536 × 512), against
 *           numpy's float32 GEMM throughput on the same shapes (target: ≥ 50%).
 * megaface: `flb eval megaface` end to end from .npy and devkit lists: 3,530 probes of 80 identities,
 *           1,000,000 distractors, 512-d (target: ≤ 90 s, ≤ 8 GB peak RSS).
 * ijbc:     `flb eval ijbc` end to end: 469,375 images, 23,124 templates, 15,658,489 pairs, 512-d
 *           (target: ≤ 60 s, ≤ 8 GB).
 * Inputs are synthetic, written once under --dir (default: the OS temp folder).
 */
import { Command } from 'commander';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import { scanGallery } from '../harness/scoring/gallery-scan.js';
import { sharedFloat32, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import { ijbcBenchFiles, megafaceBenchFiles } from './scoring-data.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const numpyScript = join(repo, 'bench', 'numpy-scoring.py');

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

type NumpyTiming = Record<string, number | string>;

function numpyTime(args: Record<string, unknown>): NumpyTiming {
  try {
    return JSON.parse(execFileSync('python3', [numpyScript, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 20 })) as NumpyTiming;
  } catch (e) {
    return { error: String((e as Error).message).slice(0, 300) };
  }
}

/** The machine, so figures can be read against it (this box is shared: the load average matters). */
function machine(): Record<string, unknown> {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, loadAverage1m: Number(loadavg()[0].toFixed(2)) };
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...record, machine: machine() }) + '\n');
}

/** Random unit rows in a shared buffer. */
function randomUnitRows(rows: number, dim: number, seed: number): Float32Array {
  const out = sharedFloat32(rows * dim);
  let s = seed >>> 0 || 1;
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const v = (s >>> 0) / 4294967296 - 0.5;
      out[r * dim + d] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[r * dim + d] *= inv;
  }
  return out;
}

async function kernelCase(pool: ScoringPool, numpy: boolean): Promise<void> {
  const probes = 3530;
  const gallery = 65536;
  const dim = 512;
  const ranks = 10;
  const p = randomUnitRows(probes, dim, 1);
  const g = randomUnitRows(gallery, dim, 2);
  const columns = sharedInt32(gallery).map((_, i) => i);
  const run = (count: number) =>
    scanGallery(pool, {
      probes: p,
      probeCount: probes,
      dim,
      gallery: g,
      noiseRows: new Uint8Array(new SharedArrayBuffer(gallery)),
      describeRow: (row) => `row ${row}`,
      passes: [{ columns, checkpoints: [{ size: count, end: count }], tail: false }],
      ranks,
      tailK: 0,
    });
  await run(4096); // start the workers and their GEMM sessions
  // This machine is shared: alternate ours and numpy's runs and keep the best of each, so both see
  // comparable background load.
  let seconds = Infinity;
  let np: NumpyTiming | undefined;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    await run(gallery);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    if (numpy) {
      const timing = numpyTime({ case: 'kernel', probes, gallery, dim, ranks });
      if (!np || (typeof timing.gemmGflops === 'number' && timing.gemmGflops > Number(np.gemmGflops ?? 0))) np = timing;
    }
  }
  const gflops = (2 * probes * gallery * dim) / seconds / 1e9;
  emit({
    case: 'kernel',
    shape: { probes, gallery, dim, ranks },
    threads: pool.threads,
    seconds: Number(seconds.toFixed(3)),
    rounds: 3,
    gflops: Number(gflops.toFixed(1)),
    numpy: np,
    fractionOfNumpyGemm: typeof np?.gemmGflops === 'number' ? Number((gflops / np.gemmGflops).toFixed(3)) : undefined,
    target: '≥ 0.5 of numpy float32 GEMM throughput',
  });
}

/** Runs `flb` in a child process under /usr/bin/time: wall seconds and peak RSS of the whole evaluation. */
function timedCli(args: string[]): { seconds: number; peakRssGb: number; result: unknown } {
  const res = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, '--import', 'tsx', join(repo, 'harness', 'cli.ts'), ...args, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    cwd: repo,
  });
  const timing = res.stderr.trim().split('\n').pop() ?? '';
  const [seconds, rssKb] = timing.split(' ').map(Number);
  if (res.status !== 0) throw new Error(`flb ${args.join(' ')} failed: ${res.stderr.slice(-500)}`);
  return { seconds, peakRssGb: Number((rssKb / 1024 / 1024).toFixed(2)), result: JSON.parse(res.stdout) };
}

function megafaceCase(dir: string, distractors: number, threads: number, numpy: boolean): void {
  const files = megafaceBenchFiles(dir, distractors);
  const run = timedCli([
    'eval', 'megaface', '--probe', files.probes, '--probe-list', files.probeList, '--distractors', files.distractors,
    '--distractor-lists', files.listDir, '--threads', String(threads),
  ]);
  const result = run.result as { identification: Record<string, number>; verification: Record<string, number> };
  const probes = 3530;
  const tailK = Math.floor(1e-4 * probes * distractors + 1e-9) + 1;
  emit({
    case: 'megaface',
    shape: { probes, identities: 80, distractors, dim: 512 },
    threads,
    seconds: run.seconds,
    peakRssGb: run.peakRssGb,
    rank1: result.identification,
    verification: result.verification,
    numpy: numpy ? numpyTime({ case: 'megaface', root: files.listDir, sizes: files.sizes, ranks: 10, tail_k: tailK }) : undefined,
    target: '≤ 90 s and ≤ 8 GB at 1,000,000 distractors',
  });
}

function ijbcCase(dir: string, threads: number, numpy: boolean): void {
  const files = ijbcBenchFiles(dir);
  const run = timedCli(['eval', 'ijbc', '--features', files.features, '--meta', files.meta, '--threads', String(threads)]);
  const result = run.result as { tarAtFar: Record<string, number>; counts: Record<string, number> };
  emit({
    case: 'ijbc',
    shape: result.counts,
    threads,
    seconds: run.seconds,
    peakRssGb: run.peakRssGb,
    tarAtFar: result.tarAtFar,
    numpy: numpy ? numpyTime({ case: 'ijbc', root: join(files.meta, '..') }) : undefined,
    target: '≤ 60 s and ≤ 8 GB',
  });
}

const program = new Command('bench:scoring')
  .option('--cases <list>', 'comma-separated cases', 'kernel,megaface,ijbc')
  .option('--distractors <n>', 'MegaFace distractors', (v) => Number(v), 1_000_000)
  .option('--threads <n>', 'scoring threads', (v) => Number(v), availableParallelism())
  .option('--dir <dir>', 'where the synthetic inputs are cached', join(tmpdir(), 'flb-bench-scoring'))
  .option('--no-numpy', 'skip the numpy comparison')
  .parse();
const opts = program.opts<{ cases: string; distractors: number; threads: number; dir: string; numpy: boolean }>();
const cases = new Set(opts.cases.split(','));
const numpy = opts.numpy && hasNumpy();
if (cases.has('kernel')) {
  const pool = createScoringPool(opts.threads);
  try {
    await kernelCase(pool, numpy);
  } finally {
    await pool.close();
  }
}
if (cases.has('megaface')) megafaceCase(opts.dir, opts.distractors, opts.threads, numpy);
if (cases.has('ijbc')) ijbcCase(opts.dir, opts.threads, numpy);
