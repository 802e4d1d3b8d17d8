import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { buildResultsTable } from '../reports/results-table.js';
import { loadSweep } from '../reports/sweep-data.js';
import { resultsTableCsv } from '../reports/table-csv.js';
import { resultsTableLatex } from '../reports/table-latex.js';
import { resultsTableMarkdown } from '../reports/table-markdown.js';
import { defaultVariants, writeFixtureSweep } from './helpers/report-sweep.js';

const HOSTILE = '<script>alert(1)</script> & 50%_x';

function fixture(t: { teardown(fn: () => void): void }, opts: Parameters<typeof writeFixtureSweep>[2] = {}) {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-tables-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const variants = defaultVariants();
  variants.push({ variant: HOSTILE, loss: 'cosface', title: 'CosFace', params: { m: 0.2 }, quality: [0.5, 0.52], scale: () => 30 });
  return writeFixtureSweep(root, variants, opts);
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** A small RFC 4180 reader, written here so the CSV is checked by something other than the library that wrote it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

test('columns are the paper\'s: LFW, MegaFace rank-1 at the largest size and TAR@1e-6, IJB-C TAR@1e-6…1e-1', (t) => {
  const table = buildResultsTable(loadSweep(fixture(t)));
  t.deepEqual(table.columns.map((c) => c.key), [
    'lfw.accuracy',
    'megaface.identification.10000',
    'megaface.verification.tarAtFar1e-6',
    'ijbc.tarAtFar.1e-6', 'ijbc.tarAtFar.1e-5', 'ijbc.tarAtFar.1e-4', 'ijbc.tarAtFar.1e-3', 'ijbc.tarAtFar.1e-2', 'ijbc.tarAtFar.1e-1',
  ]);
  t.deepEqual(table.rows.map((r) => r.variant), ['Softmax', 'CosFace', 'ArcFace (m=0.5)', 'AdaCos (dynamic)', HOSTILE]);
});

test('cells are mean ± population std over the finished seeds, in percent, two decimals', (t) => {
  const dir = fixture(t);
  const table = buildResultsTable(loadSweep(dir));
  // CosFace seeds: LFW accuracy read straight from the runs' eval files.
  const [a, b] = ['cosface-1-seed1', 'cosface-1-seed2'].map((r) => readJson(join(dir, r, 'eval', 'lfw.json')).accuracy as number);
  const mean = (a + b) / 2;
  const std = Math.abs(a - b) / 2; // population std of two values
  const cell = table.rows[1].cells[0];
  t.is(cell.formatted!.mean, (100 * mean).toFixed(2));
  t.is(cell.formatted!.std, (100 * std).toFixed(2));
  // The diverged AdaCos seed is left out: one seed, so no std is printed.
  const adacos = table.rows[3];
  t.is(adacos.seedsText, '1/2 (1 diverged)');
  t.is(adacos.cells[0].formatted!.std, null);
  t.is(adacos.cells[0].formatted!.mean, (100 * readJson(join(dir, 'adacos-dynamic-3-seed1', 'eval', 'lfw.json')).accuracy).toFixed(2));
});

test('best per column is marked by printed value, per column, ties included', (t) => {
  const dir = fixture(t);
  const boardPath = join(dir, 'leaderboard.json');
  const board = readJson(boardPath);
  // Softmax best on LFW only; CosFace ties ArcFace on MegaFace rank-1 once printed (72.72 vs 72.724).
  board.rows[0].metrics['lfw.accuracy'] = { mean: 0.9991, std: 0, n: 2 };
  const arc = board.rows[2].metrics['megaface.identification.10000'].mean;
  board.rows[1].metrics['megaface.identification.10000'] = { mean: arc + 0.00004, std: 0.01, n: 2 };
  writeFileSync(boardPath, JSON.stringify(board));
  const table = buildResultsTable(loadSweep(dir));
  t.deepEqual(table.rows.map((r) => r.cells[0].best), [true, false, false, false, false]);
  t.deepEqual(table.rows.map((r) => r.cells[1].best), [false, true, true, false, false]);
  const ijbc1e3 = table.columns.findIndex((c) => c.key === 'ijbc.tarAtFar.1e-3');
  t.deepEqual(table.rows.map((r) => r.cells[ijbc1e3].best), [false, false, true, false, false]);
});

test('a column where every entry prints the same has no best', (t) => {
  const dir = fixture(t);
  const boardPath = join(dir, 'leaderboard.json');
  const board = readJson(boardPath);
  for (const row of board.rows) row.metrics['ijbc.tarAtFar.1e-3'] = { mean: 0.00001, std: 0, n: 1 };
  writeFileSync(boardPath, JSON.stringify(board));
  const table = buildResultsTable(loadSweep(dir));
  const column = table.columns.findIndex((c) => c.key === 'ijbc.tarAtFar.1e-3');
  t.deepEqual(table.rows.map((r) => r.cells[column].best), [false, false, false, false, false]);
  t.deepEqual(table.rows.map((r) => r.cells[column].formatted!.mean), ['0.00', '0.00', '0.00', '0.00', '0.00']);
});

test('a target FAR below one impostor pair of its set is marked in every format and never best', (t) => {
  // The fixture's IJB-C set has 2,700 impostor pairs: 1e-6, 1e-5 and 1e-4 are below 1/2,700; 1e-3 is not.
  const table = buildResultsTable(loadSweep(fixture(t)));
  const unresolved = table.columns.filter((c) => c.unresolvable).map((c) => c.key);
  t.deepEqual(unresolved, ['ijbc.tarAtFar.1e-6', 'ijbc.tarAtFar.1e-5', 'ijbc.tarAtFar.1e-4']);
  for (const key of unresolved) {
    const c = table.columns.findIndex((col) => col.key === key);
    t.true(table.rows.every((r) => r.cells[c].unresolved && !r.cells[c].best), key);
  }
  const resolved = table.columns.findIndex((col) => col.key === 'ijbc.tarAtFar.1e-3');
  t.true(table.rows.some((r) => r.cells[resolved].best));
  const md = resultsTableMarkdown(table);
  t.regex(md, /\| \d+\.\d\d ± \d+\.\d\d † \|/);
  t.regex(md, /† IJB-C TAR@1e-6: the target FAR is below 1\/2,700/);
  const tex = resultsTableLatex(table, 'fixture');
  t.regex(tex, /\$\^\\dagger\$/);
  t.regex(tex, /% † IJB-C TAR@1e-5: the target FAR is below 1\/2,700/);
  const csv = parseCsv(resultsTableCsv(table));
  const header = csv[0];
  t.is(csv[1][header.indexOf('ijbc.tarAtFar.1e-6 resolvable')], 'false');
  t.is(csv[1][header.indexOf('ijbc.tarAtFar.1e-3 resolvable')], 'true');
});

test('a metric the leaderboard does not summarise is filled from the runs\' eval files', (t) => {
  const dir = fixture(t, { omitFromLeaderboard: ['ijbc.tarAtFar.1e-1'] });
  const table = buildResultsTable(loadSweep(dir));
  const column = table.columns.findIndex((c) => c.key === 'ijbc.tarAtFar.1e-1');
  const values = ['softmax-0-seed1', 'softmax-0-seed2'].map((r) => readJson(join(dir, r, 'eval', 'ijbc.json')).tarAtFar['1e-1'] as number);
  const cell = table.rows[0].cells[column];
  t.is(cell.summary!.n, 2);
  t.true(Math.abs(cell.summary!.mean - (values[0] + values[1]) / 2) < 1e-12);
  t.true(Math.abs(cell.summary!.std - Math.abs(values[0] - values[1]) / 2) < 1e-12);
});

test('Markdown: one column per metric on every line, hostile names escaped, failures noted', (t) => {
  const md = resultsTableMarkdown(buildResultsTable(loadSweep(fixture(t))));
  const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
  t.is(tableLines.length, 2 + 5);
  const unescapedPipes = (l: string) => l.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;
  for (const line of tableLines) t.is(unescapedPipes(line), 12, line); // 11 columns: Loss, Seeds, 9 metrics
  t.false(md.includes('<script'));
  t.true(md.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; 50%\\_x'));
  t.regex(md, /\| \*\*\d+\.\d\d\*\* ± \d+\.\d\d \|/);
  t.regex(md, /adacos-dynamic-3-seed2 diverged at step 120/);
});

test('LaTeX: booktabs tabular with as many cells as columns, specials escaped, braces balanced', (t) => {
  const tex = resultsTableLatex(buildResultsTable(loadSweep(fixture(t))), 'fixture/leaderboard.json');
  t.regex(tex, /\\resizebox\{\\ifdim\\width>\\columnwidth\\columnwidth\\else\\width\\fi\}\{!\}\{\\begin\{tabular\}\{lrrrrrrrrrr\}\n\\toprule\n/);
  // Benchmark names span their columns: LFW (column 3), MegaFace (4–5), IJB-C (6–11)…
  t.true(tex.includes(' & & \\multicolumn{1}{c}{LFW} & \\multicolumn{2}{c}{MegaFace} & \\multicolumn{6}{c}{IJB-C} \\\\\n\\cmidrule(lr){3-3} \\cmidrule(lr){4-5} \\cmidrule(lr){6-11}\n'));
  // …and the columns under them do not repeat the benchmark's name.
  t.true(tex.includes('Loss & Seeds & Acc. (\\%) & rank-1 @10,000 (\\%) & TAR@1e-6 (\\%) & TAR@1e-6 (\\%) & TAR@1e-5 (\\%)'), tex.split('\n').find((l) => l.startsWith('Loss')));
  t.regex(tex, /\\bottomrule\n\\end\{tabular\}\}\n$/);
  const body = tex.split('\\midrule\n')[1].split('\\bottomrule')[0].trim().split('\n');
  t.is(body.length, 5);
  for (const line of body) {
    t.is(line.replace(/\\&/g, '').split('&').length, 11, line);
    t.true(line.endsWith(' \\\\'));
  }
  const hostile = body[4];
  t.true(hostile.startsWith('\\textless{}script\\textgreater{}alert(1)\\textless{}/script\\textgreater{} \\& 50\\%\\_x & 2 & '));
  // Outside comments, no unescaped %, and braces balance (escaped \{ \} aside).
  const code = tex.split('\n').filter((l) => !l.startsWith('%')).join('\n');
  t.false(/(^|[^\\])%/.test(code));
  const braces = code.replace(/\\[{}]/g, '');
  t.is(braces.split('{').length, braces.split('}').length);
  t.regex(tex, /\\textbf\{\d+\.\d\d\}/);
});

test('CSV: parses back to the same names and raw numbers', (t) => {
  const dir = fixture(t);
  const rows = parseCsv(resultsTableCsv(buildResultsTable(loadSweep(dir))));
  t.is(rows.length, 6);
  const header = rows[0];
  t.true(rows.every((r) => r.length === header.length));
  t.deepEqual(header.slice(0, 7), ['variant', 'loss', 'params', 'seeds_planned', 'seeds_done', 'seeds_diverged', 'seeds_failed']);
  const hostile = rows[5];
  t.is(hostile[0], HOSTILE);
  t.deepEqual(JSON.parse(hostile[2]), { m: 0.2 });
  const lfw = ['cosface-4-seed1', 'cosface-4-seed2'].map((r) => readJson(join(dir, r, 'eval', 'lfw.json')).accuracy as number);
  t.true(Math.abs(Number(hostile[header.indexOf('lfw.accuracy mean')]) - (lfw[0] + lfw[1]) / 2) < 1e-12);
  t.is(rows[3][header.indexOf('lfw.accuracy best')], 'true');
  t.is(rows[1][header.indexOf('lfw.accuracy best')], 'false');
});

test('CSV: a name that a spreadsheet would run as a formula is kept as text', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-tables-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = writeFixtureSweep(root, [{ variant: '=HYPERLINK("x")', loss: 'cosface', title: 'CosFace', quality: [0.5], scale: () => 64 }]);
  const rows = parseCsv(resultsTableCsv(buildResultsTable(loadSweep(dir))));
  t.is(rows[1][0], `'=HYPERLINK("x")`);
});

test('bad sweep folders: one clear error naming the file and key', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-tables-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const missing = t.throws(() => loadSweep(root), { instanceOf: UserError });
  t.true(missing!.message.includes(join(root, 'leaderboard.json')));
  writeFileSync(join(root, 'leaderboard.json'), '{"metrics": [], "rows": [{"variant": "a", "runs": "x", "metrics": {}}]}');
  t.throws(() => loadSweep(root), { instanceOf: UserError, message: /leaderboard\.json: rows\[0\]\.runs must be an array/ });
  writeFileSync(join(root, 'leaderboard.json'), '{"metrics": [], "rows": [');
  t.throws(() => loadSweep(root), { instanceOf: UserError, message: /leaderboard\.json:\d+:\d+: not valid JSON/ });
  const dir = fixture(t);
  writeFileSync(join(dir, 'softmax-0-seed1', 'angles.json'), '{"thetaTargetDeg": [1, "x"]}');
  t.throws(() => loadSweep(dir), { instanceOf: UserError, message: /softmax-0-seed1\/angles\.json: thetaTargetDeg\[1\] is "x"/ });
});
