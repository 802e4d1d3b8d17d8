import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../harness/core/atomic-write.js';
import { startProgress, type ProgressMode } from '../harness/core/progress.js';
import type { Figure, SkippedFigure } from './figures/figure.js';
import { reportFigures } from './figures/report-figures.js';
import { htmlPage } from './html-page.js';
import { provenanceHtml } from './html-provenance.js';
import { buildProvenance } from './provenance.js';
import { renderSvg, svgToPng } from './render-figure.js';
import { buildResultsTable } from './results-table.js';
import { buildDifferenceTable, chooseBaseline } from './paired-differences.js';
import { differencesCsv, differencesHtml, differencesLatex, differencesMarkdown } from './differences-render.js';
import { studyText } from './study-spread.js';
import { loadSweep } from './sweep-data.js';
import { resultsTableCsv } from './table-csv.js';
import { resultsTableHtml } from './table-html.js';
import { resultsTableLatex } from './table-latex.js';
import { resultsTableMarkdown } from './table-markdown.js';
import { browserBundles } from './vega-bundle.js';

export interface ReportOptions {
  sweepDir: string;
  outDir: string;
  /** The command line that asked for the report, recorded in its provenance. */
  command: readonly string[];
  progress?: ProgressMode;
  /** PNG zoom relative to the SVG size. */
  pngScale?: number;
  /** The variant the paired differences are taken against (default: dynamic AdaCos, else the first row). */
  baseline?: string;
}

export interface ReportSummary {
  outDir: string;
  files: string[];
  figures: string[];
  skipped: SkippedFigure[];
}

/** The main table (headline columns, one column wide), the full one (every column), the paired differences. */
export const TABLE_FILES = [
  'tables/results.md', 'tables/results.tex', 'tables/results.csv',
  'tables/results-full.md', 'tables/results-full.tex', 'tables/results-full.csv',
  'tables/differences.md', 'tables/differences.tex', 'tables/differences.csv',
];

/**
 * `flb report`: tables, figures (.vl.json, .svg, .png), provenance.json and index.html for one sweep folder. The
 * output folder is built aside and swapped in whole, so a failed report leaves the previous one intact.
 */
export async function writeReport(opts: ReportOptions): Promise<ReportSummary> {
  const data = loadSweep(opts.sweepDir);
  const table = buildResultsTable(data, { columns: 'main' });
  const full = buildResultsTable(data, { columns: 'full' });
  const differences = buildDifferenceTable(data, table.columns, chooseBaseline(data, opts.baseline));
  const outcomes = reportFigures(data);
  const figures = outcomes.flatMap((o): Figure[] => ('figure' in o ? [o.figure] : []));
  const skipped = outcomes.flatMap((o): SkippedFigure[] => ('skipped' in o ? [o.skipped] : []));
  const provenance = buildProvenance(data, opts.command, new Date().toISOString());
  const files: string[] = [];

  await writeDirAtomic(opts.outDir, async (dir) => {
    const put = (name: string, content: string | Uint8Array) => {
      writeFileAtomic(join(dir, name), content);
      files.push(name);
    };
    const source = `${basename(data.dir)}/leaderboard.json`;
    const [md, tex, csv, fullMd, fullTex, fullCsv, diffMd, diffTex, diffCsv] = TABLE_FILES as [string, string, string, string, string, string, string, string, string];
    put(md, resultsTableMarkdown(table));
    put(tex, resultsTableLatex(table, source, 'column'));
    put(csv, resultsTableCsv(table));
    put(fullMd, resultsTableMarkdown(full));
    put(fullTex, resultsTableLatex(full, source, 'page'));
    put(fullCsv, resultsTableCsv(full));
    put(diffMd, differencesMarkdown(differences));
    put(diffTex, differencesLatex(differences));
    put(diffCsv, differencesCsv(differences));

    mkdirSync(join(dir, 'figures'), { recursive: true });
    const bar = startProgress('rendering figures', figures.length, opts.progress);
    for (const [i, figure] of figures.entries()) {
      put(`figures/${figure.name}.vl.json`, JSON.stringify(figure.spec, null, 2) + '\n');
      const svg = await renderSvg(figure.spec);
      put(`figures/${figure.name}.svg`, svg);
      put(`figures/${figure.name}.png`, svgToPng(svg, opts.pngScale));
      bar.update(i + 1, figure.name);
    }
    bar.stop();

    writeJsonAtomic(join(dir, 'provenance.json'), provenance);
    files.push('provenance.json');
    put(
      'index.html',
      htmlPage({
        title: `facelossbench report: ${data.leaderboard.sweep ?? basename(data.dir)}`,
        intro: studyText(provenance.study) ?? undefined,
        tableHtml: resultsTableHtml(table),
        differencesHtml: differencesHtml(differences),
        fullTableHtml: resultsTableHtml(full),
        tableFiles: TABLE_FILES,
        figures,
        skipped,
        provenanceHtml: provenanceHtml(provenance),
        bundles: browserBundles(),
      }),
    );
  });
  return { outDir: opts.outDir, files, figures: figures.map((f) => f.name), skipped };
}
