import type { RunStore } from '../run-store/run-store.js';
import type { Leaderboard, LeaderboardRow, MetricDefinition, MetricSummary, RunFailure } from '../run-store/leaderboard.js';
import { metricsOf } from './protocol-metrics.js';
import { storedResult } from './run-work.js';
import type { SweepPlan } from './sweep-plan.js';

/**
 * The leaderboard of a sweep from what its runs hold: one row per loss variant, each metric's mean and
 * population standard deviation over the runs (seeds, held-out folds) that finished every stage. Diverged and failed runs are
 * counted and listed with their reason and step; runs not started yet are only counted as planned.
 */
export function buildLeaderboard(plan: SweepPlan, store: RunStore, createdAt = new Date()): Leaderboard {
  const definitions = new Map<string, MetricDefinition>();
  const rows = plan.variants.map((variant): LeaderboardRow => {
    const runs = plan.runs.filter((r) => r.variant === variant);
    const seeds = { planned: runs.length, done: 0, diverged: 0, failed: 0 };
    const values = new Map<string, number[]>();
    const failures: RunFailure[] = [];
    const started: string[] = [];
    const convergence = { checked: 0, converged: 0, unconverged: [] as string[] };
    for (const run of runs) {
      const handle = store.run(run.id);
      if (!handle.exists()) continue;
      started.push(run.id);
      const status = handle.readStatus();
      if (status?.state === 'diverged' || status?.state === 'failed') {
        seeds[status.state]++;
        failures.push({ run: run.id, state: status.state, step: status.step, reason: status.reason ?? '' });
        continue;
      }
      const results = plan.evaluate.map((evaluation) => ({ evaluation, result: storedResult(handle, evaluation) }));
      if (status?.state !== 'done' || results.some((r) => r.result === null)) continue;
      seeds.done++;
      if (status.convergence) {
        convergence.checked++;
        if (status.convergence.converged) convergence.converged++;
        else convergence.unconverged.push(run.id);
      }
      for (const { evaluation, result } of results) {
        for (const { definition, value } of metricsOf(evaluation.protocol, result!, evaluation.metricPrefix)) {
          if (!definitions.has(definition.key)) definitions.set(definition.key, definition);
          values.set(definition.key, [...(values.get(definition.key) ?? []), value]);
        }
      }
    }
    const metrics: Record<string, MetricSummary> = {};
    for (const [key, list] of values) metrics[key] = summarise(list);
    return {
      variant: variant.label,
      loss: variant.loss.plugin.name,
      title: variant.loss.plugin.title,
      params: variant.params,
      seeds,
      runs: started,
      metrics,
      failures,
      convergence,
    };
  });
  return {
    sweep: plan.config.name,
    config: plan.config.raw,
    createdAt: createdAt.toISOString(),
    metrics: orderMetrics([...definitions.values()], plan),
    rows,
    ...(plan.folds ? { folds: { dataset: plan.folds.dataset, test: plan.folds.test } } : {}),
  };
}

/** Mean and population standard deviation (ddof 0), as the leaderboard contract defines them. */
export function summarise(values: readonly number[]): MetricSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { mean, std: Math.sqrt(variance), n };
}

/** Protocols in the config's order; within one, the order metricsOf lists them. */
function orderMetrics(definitions: MetricDefinition[], plan: SweepPlan): MetricDefinition[] {
  const rank = (key: string) => plan.evaluate.findIndex((d) => key.startsWith(`${d.metricPrefix}.`));
  return definitions
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.key) - rank(b.d.key) || a.i - b.i)
    .map(({ d }) => d);
}
