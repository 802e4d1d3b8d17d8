import { stringify } from 'csv-stringify/sync';
import { escapeHtml, escapeLatex, escapeMarkdown } from './escape.js';
import { formatValue, headerWithUnit } from './metric-format.js';
import { DIFFERENCE_METHOD, type DifferenceCell, type DifferenceTable } from './paired-differences.js';
import { UNCONVERGED_MARK } from './table-notes.js';

/** The paired-difference table in each format the report writes; one model (paired-differences.ts), four views. */

const signed = (value: number, unit: 'percent' | 'number') => `${value >= 0 ? '+' : '−'}${formatValue(Math.abs(value), unit)}`;

function cellText(cell: DifferenceCell | null, unit: 'percent' | 'number'): { text: string; strong: boolean } {
  if (!cell) return { text: '—', strong: false };
  const interval = Number.isNaN(cell.low) ? ' (1 seed: no interval)' : ` [${signed(cell.low, unit)}, ${signed(cell.high, unit)}]`;
  return { text: `${signed(cell.mean, unit)}${interval}${cell.distinguishable ? ' *' : ''}`, strong: cell.distinguishable };
}

function caption(t: DifferenceTable): string {
  const unconverged = t.rows.some((r) => r.unconverged) ? ` ${UNCONVERGED_MARK} compares with or against a run that did not converge.` : '';
  return `Difference to ${t.baseline}. ${DIFFERENCE_METHOD}${unconverged}`;
}

const label = (variant: string, unconverged: boolean) => `${variant}${unconverged ? ` ${UNCONVERGED_MARK}` : ''}`;

export function differencesMarkdown(t: DifferenceTable): string {
  const header = [`Δ vs ${escapeMarkdown(t.baseline)}`, ...t.columns.map((c) => escapeMarkdown(headerWithUnit(c)))];
  const lines = [`| ${header.join(' | ')} |`, `| :--- | ${t.columns.map(() => '---:').join(' | ')} |`];
  for (const r of t.rows) {
    const cells = r.cells.map((c, i) => {
      const { text, strong } = cellText(c, t.columns[i]!.unit);
      return strong ? `**${text}**` : text;
    });
    lines.push(`| ${escapeMarkdown(label(r.variant, r.unconverged))} | ${cells.join(' | ')} |`);
  }
  return [...lines, '', escapeMarkdown(caption(t))].join('\n') + '\n';
}

export function differencesLatex(t: DifferenceTable): string {
  const header = [`$\\Delta$ vs ${escapeLatex(t.baseline)}`, ...t.columns.map((c) => escapeLatex(headerWithUnit(c)))];
  const body = t.rows.map((r) => {
    const cells = r.cells.map((c, i) => {
      const { text, strong } = cellText(c, t.columns[i]!.unit);
      const tex = escapeLatex(text);
      return strong ? `\\textbf{${tex}}` : tex;
    });
    return `${escapeLatex(r.variant)}${r.unconverged ? '$^\\ddagger$' : ''} & ${cells.join(' & ')} \\\\`;
  });
  return [
    `% ${caption(t).replace(/\r?\n/g, ' ')}`,
    `\\resizebox{\\ifdim\\width>\\columnwidth\\columnwidth\\else\\width\\fi}{!}{\\begin{tabular}{l${'r'.repeat(t.columns.length)}}`,
    '\\toprule',
    header.join(' & ') + ' \\\\',
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}}',
  ].join('\n').replaceAll('−', '$-$') + '\n';
}

export function differencesCsv(t: DifferenceTable): string {
  const header = ['variant', 'baseline', 'unconverged', ...t.columns.flatMap((c) => [`${c.key} diff`, `${c.key} low`, `${c.key} high`, `${c.key} pairs`, `${c.key} distinguishable`])];
  const rows = t.rows.map((r) => [
    r.variant,
    t.baseline,
    r.unconverged,
    ...r.cells.flatMap((c) => (c ? [c.mean, Number.isNaN(c.low) ? '' : c.low, Number.isNaN(c.high) ? '' : c.high, c.n, c.distinguishable] : ['', '', '', 0, false])),
  ]);
  const inert = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify([header, ...rows.map((r) => r.map(inert))], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

export function differencesHtml(t: DifferenceTable): string {
  const head = [`<th class="label">Δ vs ${escapeHtml(t.baseline)}</th>`, ...t.columns.map((c) => `<th>${escapeHtml(headerWithUnit(c))}</th>`)].join('');
  const body = t.rows
    .map((r) => {
      const cells = r.cells
        .map((c, i) => {
          const { text, strong } = cellText(c, t.columns[i]!.unit);
          return `<td${strong ? ' class="best"' : ''}>${strong ? `<strong>${escapeHtml(text)}</strong>` : escapeHtml(text)}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(label(r.variant, r.unconverged))}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="results differences"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>
<p class="caption">${escapeHtml(caption(t))}</p>`;
}
