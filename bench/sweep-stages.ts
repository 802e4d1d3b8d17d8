/**
 * npm run bench:sweep [-- --config sweeps/demo.json --only arcface --runs 2]
 * Where a sweep's time goes, run by run: the dataset opening, training, and for every protocol dataset the
 * embedding (and within it decoding the images alone, measured separately) and the scoring. Runs the first
 * `--runs` planned runs matching `--only` through the sweep's own stages in a temporary folder, so the second
 * run shows what is paid once per sweep (generation, caches, pools) and what every run pays. Prints one JSON
 * line per stage and a summary; record the machine's load with any figure you publish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDataset } from '../harness/data/registry/registry.js';
import { planEmbedding } from '../harness/embedding/image-plan.js';
import { FileRunStore } from '../harness/run-store/run-store.js';
import { defaultStages } from '../harness/sweep/default-stages.js';
import { selectRuns } from '../harness/sweep/run-selection.js';
import { readSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'sweeps/demo.json' },
    only: { type: 'string', default: 'arcface' },
    runs: { type: 'string', default: '2' },
    'data-root': { type: 'string' },
  },
});
const dataRoot = values['data-root'];
const config = readSweepConfig(values.config!);
const plan = await planSweep(config, { dataRoot });
const select = selectRuns([values.only!], plan.runs);
const runs = plan.runs.filter(select).slice(0, Number(values.runs));
const dir = mkdtempSync(join(tmpdir(), 'flb-bench-sweep-'));
const store = new FileRunStore(dir);
const stages = defaultStages({ dataRoot, plugins: config.plugins, backend: config.backend, progress: 'quiet', embedding: config.embedding, log: () => {} });

const load = () => loadavg()[0]!.toFixed(1);
const timed = async (what: Record<string, unknown>, work: () => Promise<unknown>) => {
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ ...what, seconds: Number(seconds.toFixed(2)), load: Number(load()) })}\n`);
  return seconds;
};

const totals = new Map<string, number>();
const add = (key: string, s: number) => totals.set(key, (totals.get(key) ?? 0) + s);
try {
  for (const [i, run] of runs.entries()) {
    const handle = store.run(run.id);
    add('train', await timed({ run: i + 1, stage: 'train', steps: run.definition.train.steps }, () => stages.train({ run: handle, definition: run.definition, resume: false })));
    for (const evaluation of plan.evaluate) {
      const name = evaluation.entry.name;
      // Decoding alone: every image the dataset's protocol needs, at the model's input size, as embedding loads them.
      const [h, w, c] = (handle.readConfig() as { dataset: { shape: [number, number, 1 | 3] } }).dataset.shape;
      const images = planEmbedding(resolveDataset(name, { dataRoot })).flatMap((p) => p.images);
      add('decode', await timed({ run: i + 1, stage: 'decode only', dataset: name, images: images.length }, () => Promise.all(images.map((j) => j.load({ size: [h, w], channels: c })))));
      add('evaluate', await timed({ run: i + 1, stage: 'embed + evaluate', dataset: name }, () => stages.evaluate(handle, name)));
    }
  }
} finally {
  await stages.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ summary: Object.fromEntries([...totals].map(([k, v]) => [k, Number(v.toFixed(1))])), runs: runs.length, load: Number(load()) })}\n`);
