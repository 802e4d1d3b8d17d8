import type { Command } from 'commander';
import { join } from 'node:path';
import { findBackbonePlugin } from '../backbone-registry.js';
import { backendOption, integerOption } from '../cli-options.js';
import { getDataset, openTrainSet } from '../data/registry.js';
import type { BackendChoice } from '../engine.js';
import { loadLossPlugins } from '../loss-registry.js';
import { runAt } from '../run-store.js';
import type { RunDefinition } from '../training/definition.js';
import { DEFAULT_TRAIN_SETTINGS } from '../training/settings.js';
import { train } from '../training/trainer.js';

/**
 * `npm start` until sweeps land: every loss plugin trained on equal terms on the built-in synthetic faces,
 * then a table of where each ended (loss, accuracy, scale, target angle).
 */
interface DemoFlags {
  steps: number;
  dataset: string;
  dataRoot?: string;
  out: string;
  backend: BackendChoice;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('train every loss plugin on the built-in synthetic faces and print a comparison table')
    .option('--steps <n>', 'training steps per loss', integerOption(1), 200)
    .option('--dataset <name>', 'training dataset', 'synth-tiny')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--out <dir>', 'where the runs go', join('runs', 'demo'))
    .option('--backend <name>', 'auto | tensorflow | ort-cpu | wasm | cpu', backendOption, 'auto')
    .action(async (flags: DemoFlags) => {
      const losses = [...(await loadLossPlugins()).values()];
      const entry = getDataset(flags.dataset, flags);
      const backbone = await findBackbonePlugin(entry.defaultBackbone ?? 'mlp');
      const trainSet = await openTrainSet(flags.dataset, { dataRoot: flags.dataRoot });
      const rows: string[][] = [];
      for (const loss of losses) {
        const definition: RunDefinition = {
          loss: { name: loss.plugin.name, params: {} },
          backbone: { name: backbone.plugin.name, params: {} },
          dataset: flags.dataset,
          train: { ...DEFAULT_TRAIN_SETTINGS, steps: flags.steps },
        };
        const run = runAt(join(flags.out, loss.plugin.name));
        const started = Date.now();
        const outcome = await train({ run, definition, loss, backbone, trainSet, backend: flags.backend, progress: 'auto', resume: false });
        const last = run.readMetrics().at(-1);
        const fmt = (key: string, digits: number) => (typeof last?.[key] === 'number' ? (last[key] as number).toFixed(digits) : '—');
        rows.push([
          loss.plugin.title,
          outcome.state,
          fmt('loss', 3),
          fmt('acc', 3),
          fmt('scale', 2),
          fmt('thetaMedDeg', 1),
          `${((Date.now() - started) / 1000).toFixed(0)} s`,
          outcome.engine.backend,
        ]);
      }
      const header = ['loss', 'state', 'final loss', 'train acc', 'scale s', 'θ_med (°)', 'time', 'backend'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
      process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
      process.stdout.write(`\nruns written under ${flags.out}/ (config.json, metrics.jsonl, checkpoint/ per loss)\n`);
    });
}
