import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Leaderboard } from '../harness/run-store/leaderboard.js';
import type { RunConfig } from '../harness/run-store/run-definition.js';
import { readFeatureSet } from '../harness/formats/feature-set.js';
import type { LfwResult } from '../protocols/evaluate-lfw.js';
import { buildProvenance } from '../reports/provenance.js';
import { buildResultsTable } from '../reports/results-table.js';
import { loadSweep } from '../reports/sweep-data.js';
import { studyText } from '../reports/study-spread.js';
import { resultsTableMarkdown } from '../reports/table-markdown.js';
import { runCli } from './helpers/cli.js';
import { writeFeatureFixture } from './helpers/feature-fixture.js';

/**
 * A cross-validation sweep end to end, as the real-data study runs it but on a tiny LFW of feature rows: a head
 * trained per held-out fold on the registry's lfw-faceapi-256 entries, each run scored on its own fold, the
 * leaderboard and the report's table summarising over folds.
 */
test('flb sweep with a folds axis: each run trains without its fold and is scored on it; the report says so', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'flb-sweep-folds-'));
  const fx = writeFeatureFixture(join(work, 'data'), { folds: 10, outsiders: 2, dim: 8 });
  const configFile = join(work, 'cv.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      name: 'cv',
      description: 'a tiny cross-validation study',
      train: { dataset: 'lfw-faceapi-256', backbone: { name: 'mlp', params: { hidden: 32 } }, steps: 30, batchSize: 16, embeddingDim: 8, flip: false, logEvery: 10, checkpointEvery: 30 },
      seeds: [1],
      folds: { dataset: 'lfw-faceapi-256-pairs', test: [2, 7] },
      losses: ['softmax'],
      evaluate: ['lfw-faceapi-256-pairs'],
      embedding: { flip: false },
      backend: 'cpu',
    }),
  );
  const out = join(work, 'runs');
  const r = await runCli(['sweep', '--config', configFile, '--data-root', fx.root, '--out', out, '--threads', '1', '--quiet']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /loss variant\s+runs\s+converged\s+LFW \(%\)/);

  const board = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')) as Leaderboard;
  t.deepEqual(board.folds, { dataset: 'lfw-faceapi-256-pairs', test: [2, 7] });
  const row = board.rows[0]!;
  t.deepEqual(row.seeds, { planned: 2, done: 2, diverged: 0, failed: 0 });
  const accuracies: number[] = [];
  for (const name of row.runs) {
    const config = JSON.parse(readFileSync(join(out, name, 'config.json'), 'utf8')) as RunConfig;
    const result = JSON.parse(readFileSync(join(out, name, 'eval', 'lfw.json'), 'utf8')) as LfwResult;
    const fold = config.definition.holdout!.fold;
    // Trained on the other nine folds' people only: 9 × 2 people, all 4 images each; no outsider, nobody of its fold.
    t.is(config.dataset.numClasses, 18);
    t.is(config.dataset.size, 72);
    // Every pair image embedded through the head; scored on its fold's 4 pairs, thresholded on the other 36.
    t.is(readFeatureSet(join(out, name, 'features', 'lfw-faceapi-256-pairs', 'features.npy')).rows, 80);
    t.deepEqual(result.heldOutFold, { fold, folds: 10, pairs: 4 });
    t.is(result.thresholds.length, 1);
    accuracies.push(result.accuracy);
  }
  t.deepEqual(row.runs.map((name) => JSON.parse(readFileSync(join(out, name, 'config.json'), 'utf8')).definition.holdout.fold), [2, 7]);
  const mean = (accuracies[0]! + accuracies[1]!) / 2;
  t.true(Math.abs(row.metrics['lfw.accuracy']!.mean - mean) < 1e-12);
  t.true(Math.abs(row.metrics['lfw.accuracy']!.std - Math.abs(accuracies[0]! - accuracies[1]!) / 2) < 1e-12);

  const data = loadSweep(out);
  t.deepEqual(data.runs.map((run) => run.fold), [2, 7]);
  const markdown = resultsTableMarkdown(buildResultsTable(data));
  t.true(markdown.startsWith('| Loss | Folds | LFW (%) |'), markdown);
  t.regex(markdown, /\| Softmax \| 2 \|/);
  t.regex(markdown, /Mean ± std over the 2 held-out folds of lfw-faceapi-256-pairs: one run per test fold, trained without that fold's identities/);
  const provenance = buildProvenance(data, ['flb', 'report'], 'now');
  t.is(provenance.study.description, 'a tiny cross-validation study');
  t.regex(provenance.study.crossValidation ?? '', /for each test fold k \(2, 7\), every loss trains only on the identities of the other folds/);
  t.deepEqual(provenance.runs.map((run) => run.fold), [2, 7]);
  t.regex(studyText(provenance.study) ?? '', /^a tiny cross-validation study\. Cross-validation on lfw-faceapi-256-pairs: /);
  t.is(studyText({ description: 'Done.', crossValidation: null }), 'Done.');
  t.is(studyText({ description: null, crossValidation: null }), null);
});
