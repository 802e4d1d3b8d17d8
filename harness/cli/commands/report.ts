import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors.js';
import { integerOption, progressModeFrom } from '../options.js';
import { prepareOutputDir } from '../../core/output-path.js';

interface ReportFlags {
  sweep: string;
  out?: string;
  pngScale: number;
  baseline?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `flb report --sweep DIR [--out DIR]`: paper tables, figures and a self-contained index.html for a sweep. */
export function register(program: Command): void {
  program
    .command('report')
    .description('write paper-style tables (Markdown, LaTeX, CSV), figures (Vega-Lite, SVG, PNG) and an offline index.html for a sweep')
    .requiredOption('--sweep <dir>', 'sweep folder holding leaderboard.json and its runs (runs/<sweep>)')
    .option('--out <dir>', 'output folder (default: <sweep>/report); replaced as a whole')
    .option('--png-scale <n>', 'PNG size relative to the SVG (3 ≈ 300 dpi at one column width)', integerOption(1, 8), 3)
    .option('--baseline <variant>', 'variant label the paired differences are taken against (default: dynamic AdaCos, else the first)')
    .option('--json', 'print only a JSON summary of what was written')
    .option('--quiet', 'no progress output')
    .action(async (flags: ReportFlags) => {
      const sweepDir = resolve(flags.sweep);
      if (!existsSync(sweepDir) || !statSync(sweepDir).isDirectory()) throw new UserError(`--sweep ${flags.sweep}: no such folder`);
      const outDir = resolve(flags.out ?? join(sweepDir, 'report'));
      // The folder that will hold the report must be creatable before the figures are rendered.
      prepareOutputDir(dirname(outDir), flags.out === undefined ? '--sweep' : '--out');
      const { writeReport } = await import('../../../reports/write-report.js');
      const summary = await writeReport({
        sweepDir,
        outDir,
        command: ['flb', 'report', ...process.argv.slice(process.argv.indexOf('report') + 1)],
        progress: progressModeFrom(flags),
        pngScale: flags.pngScale,
        baseline: flags.baseline,
      });
      if (flags.json) {
        process.stdout.write(JSON.stringify(summary) + '\n');
        return;
      }
      const shown = relative(process.cwd(), outDir) || '.';
      const lines = [
        `report written to ${shown}/`,
        `  open ${join(shown, 'index.html')} in a browser (works offline)`,
        `  tables: ${summary.files.filter((f) => f.startsWith('tables/')).join(', ')}`,
        `  figures: ${summary.figures.length} (${summary.figures.join(', ')})`,
        ...summary.skipped.map((s) => `  not drawn: ${s.title}: ${s.reason}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
