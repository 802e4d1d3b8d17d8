import test from 'ava';
import { Resvg } from '@resvg/resvg-js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultVariants, writeFixtureSweep } from './helpers/report-sweep.js';
import { runCli } from './helpers/cli.js';

const HOSTILE = '<script>alert(1)</script> & 50%_x';
const FIGURES = [
  'lfw-roc', 'megaface-identification', 'megaface-cmc', 'ijbc-roc', 'training-loss', 'training-accuracy', 'training-accuracy-margin', 'scale',
  'theta-median', 'theta-distribution', 'theta-snapshots', 'non-target-angles', 'target-probability-scale', 'target-probability-margin',
];

test('flb report writes tables, figures, provenance and index.html; a hostile variant name stays inert everywhere', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-cli-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const variants = defaultVariants();
  variants.push({ variant: HOSTILE, loss: 'cosface', title: 'CosFace', params: { m: 0.2 }, quality: [0.5, 0.52], scale: () => 30 });
  const sweep = writeFixtureSweep(root, variants);
  const out = join(root, 'out');
  // A stale file from an earlier report: the folder is replaced whole.
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'stale.txt'), 'old');

  const r = await runCli(['report', '--sweep', sweep, '--out', out, '--png-scale', '1', '--json']);
  t.is(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  t.deepEqual(summary.figures, FIGURES);
  t.deepEqual(summary.skipped, []);
  t.false(existsSync(join(out, 'stale.txt')));

  for (const name of FIGURES) {
    const spec = JSON.parse(readFileSync(join(out, 'figures', `${name}.vl.json`), 'utf8'));
    t.true(Array.isArray(spec.data.values) && spec.data.values.length > 0, `${name}: data inlined`);
    const svg = readFileSync(join(out, 'figures', `${name}.svg`), 'utf8');
    t.false(/<script/i.test(svg), `${name}.svg holds no script element`);
    t.notThrows(() => new Resvg(svg), `${name}.svg parses`);
    t.true(readFileSync(join(out, 'figures', `${name}.png`)).subarray(1, 4).toString() === 'PNG');
  }
  // The legend names the hostile variant as text.
  t.true(readFileSync(join(out, 'figures', 'lfw-roc.svg'), 'utf8').includes('&lt;script&gt;alert(1)&lt;/script'));

  const html = readFileSync(join(out, 'index.html'), 'utf8');
  t.false(html.includes(HOSTILE), 'the raw name never reaches the page');
  t.false(html.includes('<script>alert(1)'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; 50%_x'), 'shown as text in table and provenance');
  t.true(html.includes('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e'), 'and as escaped JSON in the chart specs');
  const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
  t.false(/<(script|link|img|iframe)[^>]+(src|href)=/i.test(markup), 'nothing loaded from elsewhere');
  t.regex(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  // Every <script> element the page has is one of ours: three bundles, the embed script, one JSON spec per figure.
  t.is((html.match(/<script[\s>]/g) ?? []).length, 3 + 1 + FIGURES.length);

  const provenance = JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'));
  t.is(provenance.runs.length, 10);
  const diverged = provenance.runs.find((p: { run: string }) => p.run === 'adacos-dynamic-3-seed2');
  t.like(diverged, { state: 'diverged', step: 120, reason: 'loss became NaN at step 121', command: 'flb train --loss adacos-dynamic --seed 2' });
  t.true(diverged.files.includes('adacos-dynamic-3-seed2/metrics.jsonl'));
  t.regex(provenance.reportCommand, /^flb report --sweep \S+ --out \S+ --png-scale 1 --json$/);
  t.true(html.includes('flb train --loss adacos-dynamic --seed 2'), 'commands listed in the page');

  const md = readFileSync(join(out, 'tables', 'results.md'), 'utf8');
  const tex = readFileSync(join(out, 'tables', 'results.tex'), 'utf8');
  const csv = readFileSync(join(out, 'tables', 'results.csv'), 'utf8');
  t.true(md.startsWith('| Loss | Seeds | LFW (%) | MF rank-1 @10,000 (%) |'));
  t.true(tex.includes('\\textless{}script\\textgreater{}alert(1)\\textless{}/script\\textgreater{} \\& 50\\%\\_x'));
  t.true(csv.includes('"<script>alert(1)</script> & 50%_x"') || csv.includes('<script>alert(1)</script> & 50%_x,'));
});

test('flb report on a folder without a leaderboard: exit 2 and one line naming the file', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-cli-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const r = await runCli(['report', '--sweep', root]);
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').filter((l) => l.startsWith('flb:')).length, 1);
  t.true(r.stderr.includes(join(root, 'leaderboard.json')));
  t.false(existsSync(join(root, 'report')));
});
