import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../reports/write-report.js';
import { chromiumPath, visitPage } from './helpers/chromium-page.js';
import { defaultVariants, writeFixtureSweep } from './helpers/report-sweep.js';

const HOSTILE = '<script>alert(1)</script> & 50%_x';
// CI installs chromium (.ci/run); elsewhere a machine without it skips with this note rather than failing.
const browser = chromiumPath() || process.env.CI ? test.serial : test.skip;
if (!chromiumPath()) console.warn('report-browser: chromium not found (apt-get install -y chromium); the headless browser test is skipped');

let root = '';
let reportDir = '';

test.before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flb-report-browser-'));
  const variants = defaultVariants();
  variants.push({ variant: HOSTILE, loss: 'cosface', title: 'CosFace', params: { m: 0.2 }, quality: [0.5, 0.52], scale: () => 30 });
  const sweep = writeFixtureSweep(root, variants);
  reportDir = join(root, 'report');
  await writeReport({ sweepDir: sweep, outDir: reportDir, command: ['flb', 'report', '--sweep', sweep], progress: 'quiet', pngScale: 1 });
});

test.after.always(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface ChartState {
  figure: string;
  rendered: string | undefined;
  /** Data marks with geometry: line paths with a non-empty outline, and points. */
  lines: number;
  points: number;
}

const ALL_SETTLED = `[...document.querySelectorAll('.chart')].every((el) => el.dataset.rendered === 'true' || el.textContent.includes('could not be drawn'))`;
const CHART_STATES = `[...document.querySelectorAll('.chart')].map((el) => ({
  figure: el.dataset.figure,
  rendered: el.dataset.rendered,
  lines: [...el.querySelectorAll('svg .mark-line path')].filter((p) => (p.getAttribute('d') || '').length > 10).length,
  points: el.querySelectorAll('svg .mark-symbol path[aria-roledescription="point"]').length,
}))`;

browser('index.html renders every chart offline in headless Chromium, with no console error', async (t) => {
  const visit = await visitPage<{ charts: ChartState[]; rowNames: string[]; tooltip: string | null }>(
    join(reportDir, 'index.html'),
    ALL_SETTLED,
    `({ charts: ${CHART_STATES},
        rowNames: [...document.querySelectorAll('table.results tbody th')].map((th) => th.textContent),
        tooltip: (() => { const tip = document.getElementById('vg-tooltip-element'); return tip && tip.classList.contains('visible') ? tip.textContent : null; })() })`,
    // The hostile variant's point: its tooltip must show the name as text.
    { hover: '.chart[data-figure="megaface-identification"] .mark-symbol path[aria-roledescription="point"][aria-label*="alert(1)"]' },
  );
  t.deepEqual(visit.errors, []);
  t.deepEqual(visit.dialogs, []);
  t.deepEqual(visit.requests, [], 'an offline page requests nothing');
  const charts = visit.result.charts;
  t.is(charts.length, 14);
  // The figures whose lines are not one per loss: the probability curves (scales, margins) and the faceted snapshots.
  const notPerLoss = new Set(['theta-snapshots', 'non-target-angles', 'target-probability-scale', 'target-probability-margin']);
  for (const chart of charts) {
    t.is(chart.rendered, 'true', chart.figure);
    // 5 losses (AdaCos' diverged seed aside), so at least 5 drawn lines in each per-loss chart; at least 3 curves elsewhere.
    t.true(chart.lines >= (notPerLoss.has(chart.figure) ? 3 : 5), `${chart.figure}: ${chart.lines} line marks`);
    if (!notPerLoss.has(chart.figure)) t.true(chart.points > 0, `${chart.figure}: points for tooltips`);
  }
  // The hostile name is a table row's text, not markup.
  t.is(visit.result.rowNames[4], HOSTILE);
  // Pointing at a MegaFace point shows its tooltip with the loss (as text) and the value; no dialog opened.
  t.truthy(visit.result.tooltip, 'tooltip visible on hover');
  t.true((visit.result.tooltip ?? '').includes(`Loss${HOSTILE}`), visit.result.tooltip ?? '');
  t.regex(visit.result.tooltip ?? '', /Seeds2/);
});

browser('the page\'s Content-Security-Policy blocks script that is not its own (defence if escaping ever failed)', async (t) => {
  const page = readFileSync(join(reportDir, 'index.html'), 'utf8');
  const tampered = join(reportDir, 'tampered.html');
  const end = page.lastIndexOf('</body>');
  writeFileSync(tampered, `${page.slice(0, end)}<script>alert(1)</script>\n${page.slice(end)}`);
  const visit = await visitPage<boolean>(tampered, ALL_SETTLED, 'true');
  t.deepEqual(visit.dialogs, [], 'the injected alert never ran');
  t.true(visit.errors.some((e) => /Content Security Policy/i.test(e)), visit.errors.join('\n'));
});
