import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript } from './escape.js';
import type { Figure, SkippedFigure } from './figures/figure.js';
import type { BrowserBundle } from './vega-bundle.js';

export interface HtmlPageParts {
  title: string;
  /** What the study is (plain text, escaped here), shown under the title. */
  intro?: string;
  /** The main results table, already HTML (escaped by its renderer). */
  tableHtml: string;
  /** The paired differences to the baseline, already HTML. */
  differencesHtml: string;
  /** The table with every column, already HTML. */
  fullTableHtml: string;
  /** Links to the table files, relative to index.html. */
  tableFiles: string[];
  figures: Figure[];
  skipped: SkippedFigure[];
  provenanceHtml: string;
  bundles: BrowserBundle[];
}

/** Embeds every chart once the bundles have loaded; a chart that fails says so in its place and on the console. */
const EMBED_SCRIPT = `
for (const el of document.querySelectorAll('.chart')) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, { renderer: 'svg', ast: true, tooltip: true,
    actions: { export: true, source: false, compiled: false, editor: false } })
    .then(() => { el.dataset.rendered = 'true'; })
    .catch((e) => { el.textContent = 'This chart could not be drawn: ' + e.message; console.error(e); });
}`;

/**
 * index.html: one self-contained page (vega, vega-lite and vega-embed inline, no network) with the table, the
 * interactive charts and the provenance. A Content-Security-Policy allows only this page's own scripts, by hash:
 * even a name that slipped past escaping could not run script or load anything.
 */
export function htmlPage(parts: HtmlPageParts): string {
  const scripts = [...parts.bundles.map((b) => b.source), EMBED_SCRIPT];
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  // vega's expression interpreter (ast: true) means no eval; data: URLs are what the PNG/SVG export actions download.
  const csp = `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data: blob:`;
  const specs = parts.figures.map((f, i) => `<script type="application/json" id="spec-${i}">${jsonForScript(f.spec)}</script>`).join('\n');
  const figures = parts.figures
    .map((f, i) => {
      const files = ['vl.json', 'svg', 'png'].map((ext) => `<a href="figures/${encodeURIComponent(f.name)}.${ext}">${ext}</a>`).join(' · ');
      return `<figure id="figure-${escapeHtml(f.name)}"><div class="chart" data-spec="spec-${i}" data-figure="${escapeHtml(f.name)}"></div>
<figcaption><strong>${escapeHtml(f.title)}.</strong> ${escapeHtml(f.caption)} <span class="files">${files}</span></figcaption></figure>`;
    })
    .join('\n');
  const skipped = parts.skipped.length
    ? `<ul class="skipped">${parts.skipped.map((s) => `<li><strong>${escapeHtml(s.title)}</strong> not drawn: ${escapeHtml(s.reason)}.</li>`).join('')}</ul>`
    : '';
  const tableLinks = parts.tableFiles.map((f) => `<a href="${escapeHtml(f)}">${escapeHtml(f.replace(/^tables\//, ''))}</a>`).join(' · ');
  const versions = parts.bundles.map((b) => `${b.name} ${b.version}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
<style>
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9rem; }
.table-scroll { overflow-x: auto; }
table.results { border-top: 2px solid #222; border-bottom: 2px solid #222; }
table.results thead th { border-bottom: 1px solid #222; }
th, td { padding: 0.3rem 0.6rem; text-align: right; vertical-align: top; }
th[scope=row], th.label, table.runs td, table.runs th { text-align: left; }
table.runs ul.files { list-style: none; margin: 0; padding: 0; }
.std { color: #666; font-size: 0.85em; }
td.unresolved, td.unconverged { color: #999; }
.caption, figcaption, .notes, .skipped { font-size: 0.85rem; color: #444; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 1.5rem; }
figure { margin: 0; }
pre { max-height: 20rem; overflow: auto; background: #f6f6f6; padding: 0.5rem; font-size: 0.8rem; text-align: left; }
code { font-size: 0.85em; }
</style>
</head>
<body>
<h1>${escapeHtml(parts.title)}</h1>
${parts.intro ? `<p class="intro">${escapeHtml(parts.intro)}</p>\n` : ''}<section id="results"><h2>Results</h2>
${parts.tableHtml}
<h3>Differences to the baseline, paired by seed</h3>
${parts.differencesHtml}
<details><summary>Every column</summary>
${parts.fullTableHtml}
</details>
<p class="caption">Also as ${tableLinks}.</p>
</section>
<section id="figures"><h2>Figures</h2>
<div class="figures">
${figures}
</div>
${skipped}
</section>
${parts.provenanceHtml}
<p class="caption">Charts drawn with ${escapeHtml(versions)}, bundled into this page.</p>
${specs}
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
