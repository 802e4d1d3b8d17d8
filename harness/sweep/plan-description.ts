import type { RunStore } from '../run-store/run-store.js';
import { isFinished, runWork, type RunWork } from './run-work.js';
import type { PlannedDataset, PlannedRun, SweepPlan } from './sweep-plan.js';

/**
 * What `flb sweep --dry-run` prints: the runs with their ids and what each still needs, and every dataset
 * with whether it is present, will be generated, or is missing and how to obtain it.
 */
export function describePlan(plan: SweepPlan, store: RunStore, sweepDir: string, select: (run: PlannedRun) => boolean): string {
  const c = plan.config;
  const t = c.train;
  const out: string[] = [];
  const selected = plan.runs.filter(select);
  out.push(`sweep ${c.name} (${c.file})${c.description ? `: ${c.description}` : ''}`);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const folds = plan.folds ? ` × ${plural(plan.folds.test.length, 'test fold')}` : '';
  out.push(`  ${plural(plan.variants.length, 'loss variant')}${folds} × ${plural(c.seeds.length, 'seed')} = ${plural(plan.runs.length, 'run')}${selected.length < plan.runs.length ? ` (${selected.length} selected by --only)` : ''} → ${sweepDir}`);
  const backboneParams = Object.keys(plan.backboneParams).length ? ` ${JSON.stringify(plan.backboneParams)}` : '';
  out.push(`  training on ${plan.trainSet.entry.name}: ${plan.backbone.plugin.name}${backboneParams}, ${t.embeddingDim}-d, ${t.steps} steps × batch ${t.batchSize}, lr ${t.lr} (${t.schedule}), seeds ${c.seeds.join(', ')}, backend ${c.backend}`);
  out.push(`  evaluation: ${plan.evaluate.map((d) => `${d.entry.name} (${d.protocol})`).join(', ') || 'none'}`);
  if (plan.folds) {
    out.push(`  cross-validation: for each test fold k of ${plan.folds.dataset} (${plan.folds.test.join(', ')}), train only on the other folds' identities and score fold k`);
  }
  out.push('', 'datasets:');
  for (const d of [plan.trainSet, ...plan.evaluate]) out.push(...datasetLines(d));
  out.push('', 'runs:');
  const foldCell = (run: PlannedRun) => (plan.folds ? [String(run.fold)] : []);
  const rows = selected.map((run) => [run.variant.label, ...foldCell(run), String(run.seed), run.id, workText(runWork(run, store.run(run.id), plan.evaluate))]);
  out.push(...table(['loss variant', ...(plan.folds ? ['fold'] : []), 'seed', 'run', 'to do'], rows).map((l) => `  ${l}`));
  return out.join('\n') + '\n';
}

/** The same plan as data, for `--dry-run --json`. */
export function planJson(plan: SweepPlan, store: RunStore, sweepDir: string, select: (run: PlannedRun) => boolean) {
  return {
    sweep: plan.config.name,
    dir: sweepDir,
    ready: missingDatasets(plan).length === 0,
    datasets: [plan.trainSet, ...plan.evaluate].map((d) => ({
      name: d.entry.name,
      role: d.entry.role,
      status: d.status,
      missing: d.missing,
      hint: d.status === 'missing' ? (d.entry.hint ?? null) : null,
    })),
    runs: plan.runs.filter(select).map((run) => ({
      id: run.id,
      variant: run.variant.label,
      seed: run.seed,
      ...(run.fold === undefined ? {} : { fold: run.fold }),
      todo: workText(runWork(run, store.run(run.id), plan.evaluate)),
    })),
  };
}

export function missingDatasets(plan: SweepPlan): PlannedDataset[] {
  return [plan.trainSet, ...plan.evaluate].filter((d) => d.status === 'missing');
}

/** The error text for missing datasets: each one, what is absent, and how to obtain it. */
export function missingDatasetsMessage(plan: SweepPlan): string {
  const missing = missingDatasets(plan);
  const lines = missing.flatMap((d) => datasetLines(d));
  return `${plan.config.file}: ${missing.length} dataset${missing.length === 1 ? ' is' : 's are'} missing:\n${lines.join('\n')}\n  (set the data root with --data-root or FLB_DATA_ROOT)`;
}

function datasetLines(d: PlannedDataset): string[] {
  const state = d.status === 'present' ? 'present' : d.status === 'will-be-generated' ? 'will be generated on first use' : 'MISSING';
  const lines = [`  ${d.entry.name.padEnd(24)} ${d.entry.role.padEnd(16)} ${state}`];
  if (d.status === 'missing') {
    for (const m of d.missing) lines.push(`      ${m}`);
    lines.push(`      to obtain it: ${d.entry.hint ?? 'see datasets.json for the expected layout'}`);
  }
  return lines;
}

function workText(work: RunWork): string {
  if (work.training.kind === 'diverged') return `nothing (diverged at step ${work.training.status.step})`;
  if (isFinished(work)) return 'nothing (done)';
  const parts: string[] = [];
  if (work.training.kind === 'fresh') parts.push('train');
  if (work.training.kind === 'resume') parts.push(`resume training (${work.training.fromStatus.state} at step ${work.training.fromStatus.step})`);
  if (work.training.kind === 'complete' && work.training.failedAfter) parts.push('retry after a failed evaluation');
  if (work.evaluate.length) parts.push(`evaluate ${work.evaluate.map((d) => d.resultName).join(', ')}`);
  return parts.join(', then ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * A note on run folders in the sweep folder that this plan does not name: runs of another config, or runs keyed
 * before definitions were resolved before hashing, which `flb runs migrate` re-keys. Null when there are none.
 */
export function unplannedRunsNote(plan: SweepPlan, store: RunStore, sweepDir: string): string | null {
  const planned = new Set(plan.runs.map((r) => r.id));
  const others = store.list().filter((h) => !planned.has(h.id));
  if (others.length === 0) return null;
  return (
    `note: ${others.length} run folder${others.length === 1 ? '' : 's'} in ${sweepDir} ${others.length === 1 ? 'is' : 'are'} not in this plan ` +
    `(e.g. ${others[0]!.id}): runs of another config, or runs keyed before parameters were resolved before hashing; ` +
    `\`flb runs migrate ${sweepDir}\` re-keys the latter so that they are reused`
  );
}
