import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differencesLatex, differencesMarkdown } from '../reports/differences-render.js';
import { buildDifferenceTable, chooseBaseline, pairedInterval } from '../reports/paired-differences.js';
import { buildResultsTable } from '../reports/results-table.js';
import { loadSweep } from '../reports/sweep-data.js';
import { resultsTableCsv } from '../reports/table-csv.js';
import { resultsTableHtml } from '../reports/table-html.js';
import { resultsTableLatex } from '../reports/table-latex.js';
import { resultsTableMarkdown } from '../reports/table-markdown.js';
import { defaultVariants, writeFixtureSweep } from './helpers/report-sweep.js';

/** The parts of the report that answer the study's question: convergence marks, paired differences, paper-ready LaTeX. */
function fixture(t: { teardown(fn: () => void): void }, mark?: string) {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-study-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const variants = defaultVariants().map((v) => (v.variant === mark ? { ...v, unconverged: true } : v));
  return writeFixtureSweep(root, variants);
}

test('a variant that did not converge is marked ‡ in every format, explained in words, and never best', (t) => {
  // ArcFace has the best numbers of the fixture in most columns; marked unconverged, it must lose every "best".
  const table = buildResultsTable(loadSweep(fixture(t, 'ArcFace (m=0.5)')), { columns: 'full' });
  const arc = table.rows.find((r) => r.variant === 'ArcFace (m=0.5)')!;
  t.deepEqual(arc.convergence, { checked: 2, converged: 0, unconverged: ['arcface-2-seed1', 'arcface-2-seed2'] });
  t.true(arc.cells.every((c) => c.unconverged && !c.best));
  // Its columns still have a best, among the converged rows.
  const lfw = table.columns.findIndex((c) => c.key === 'lfw.accuracy');
  t.true(table.rows.some((r) => r.cells[lfw]!.best));
  const md = resultsTableMarkdown(table);
  t.regex(md, /\| ArcFace \(m=0\.5\) \| 2 \| \d+\.\d\d ± \d+\.\d\d ‡ \|/);
  t.regex(md, /‡ Did not converge: ArcFace \(m=0\.5\) \(2 of 2 runs\)\. Criterion: over the last 10% of steps, the median angle between a training sample and its own class weight \(θ\\?_med, before any margin\) stayed above 65° and the training accuracy \(top-1 without the margin\) below 50%/);
  t.regex(resultsTableLatex(table, 'x', 'page'), /\$\^\\ddagger\$/);
  t.regex(resultsTableHtml(table), /class="unconverged">\d+\.\d\d <span class="std">± \d+\.\d\d<\/span> ‡<\/td>/);
  const csv = resultsTableCsv(table).split('\n');
  t.true(csv[0]!.includes('runs_converged,runs_unconverged'));
  t.true(csv.some((l) => l.startsWith('ArcFace (m=0.5),arcface,{},2,2,0,0,0,2,')), csv.join('\n'));
});

test('the 95% paired interval by hand: mean ± t(0.975, n−1)·sd/√n', (t) => {
  // d = 1, 2, 3: mean 2, sd 1 (n − 1), t(0.975, 2) = 4.302653: half-width 4.302653/√3 = 2.484138.
  const c = pairedInterval([1, 2, 3]);
  t.is(c.mean, 2);
  t.true(Math.abs(c.high - c.low - 2 * 2.484138) < 1e-5, `${c.low} ${c.high}`);
  t.false(c.distinguishable);
  // d = 2.0, 2.1, 1.9: sd 0.1, half-width 0.248414: [1.75, 2.25] excludes 0.
  const tight = pairedInterval([2.0, 2.1, 1.9]);
  t.true(tight.distinguishable && tight.low > 1.75 && tight.low < 1.752);
  const one = pairedInterval([0.5]);
  t.true(Number.isNaN(one.low) && !one.distinguishable);
});

test('differences are paired by seed against dynamic AdaCos by default; a missing partner seed drops the pair', (t) => {
  const data = loadSweep(fixture(t));
  const baseline = chooseBaseline(data);
  t.is(baseline, 'AdaCos (dynamic)');
  t.throws(() => chooseBaseline(data, 'Nope'), { message: /--baseline 'Nope' is not a variant of this sweep; variants: Softmax, CosFace/ });
  const main = buildResultsTable(data, { columns: 'main' });
  const diff = buildDifferenceTable(data, main.columns, baseline);
  t.deepEqual(diff.rows.map((r) => r.variant), ['Softmax', 'CosFace', 'ArcFace (m=0.5)']);
  // AdaCos's seed 2 diverged: only seed 1 pairs, so each difference is one pair, the run values' difference.
  const lfw = main.columns.findIndex((c) => c.key === 'lfw.accuracy');
  const value = (run: string) => JSON.parse(readFileSync(join(data.dir, run, 'eval', 'lfw.json'), 'utf8')).accuracy as number;
  const cell = diff.rows[1]!.cells[lfw]!;
  t.is(cell.n, 1);
  t.true(Math.abs(cell.mean - (value('cosface-1-seed1') - value('adacos-dynamic-3-seed1'))) < 1e-12);
  t.regex(differencesMarkdown(diff), /\| CosFace \| \+\d+\.\d\d \(1 seed: no interval\) \|/);
  // Against CosFace both seeds pair.
  const vsCos = buildDifferenceTable(data, main.columns, 'CosFace');
  t.is(vsCos.rows.find((r) => r.variant === 'ArcFace (m=0.5)')!.cells[lfw]!.n, 2);
});

const pdflatex = spawnSync('pdflatex', ['--version']).status === 0;
const withLatex = pdflatex ? test : test.skip;
if (!pdflatex) process.stderr.write('report-study: pdflatex not found (apt-get install texlive-latex-base texlive-latex-recommended); the LaTeX compile test is skipped\n');

withLatex('the LaTeX tables compile in a two-column paper without an overfull box: main and differences at column width, full at page width', (t) => {
  const data = loadSweep(fixture(t, 'Softmax'));
  const dir = mkdtempSync(join(tmpdir(), 'flb-latex-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'main.tex'), resultsTableLatex(buildResultsTable(data, { columns: 'main' }), 'fixture', 'column'));
  writeFileSync(join(dir, 'full.tex'), resultsTableLatex(buildResultsTable(data, { columns: 'full' }), 'fixture', 'page'));
  const main = buildResultsTable(data, { columns: 'main' });
  writeFileSync(join(dir, 'diff.tex'), differencesLatex(buildDifferenceTable(data, main.columns, chooseBaseline(data))));
  const filler = 'A paragraph of text to fill the column. '.repeat(40);
  writeFileSync(
    join(dir, 'paper.tex'),
    [
      '\\documentclass[twocolumn]{article}',
      '\\usepackage[T1]{fontenc}',
      '\\usepackage{booktabs,graphicx}',
      '\\begin{document}',
      filler,
      '\\begin{table}\\centering\\caption{Main results.}\\input{main}\\end{table}',
      '\\begin{table}\\centering\\caption{Differences.}\\input{diff}\\end{table}',
      '\\begin{table*}\\centering\\caption{Every column.}\\input{full}\\end{table*}',
      filler,
      '\\end{document}',
    ].join('\n'),
  );
  execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'ignore' });
  const log = readFileSync(join(dir, 'paper.log'), 'latin1');
  t.false(/Overfull \\hbox/.test(log), log.split('\n').filter((l) => /Overfull/.test(l)).join('\n'));
  t.regex(log, /Output written on paper\.pdf \(\d+ pages?/);
});
