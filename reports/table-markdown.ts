import { escapeMarkdown } from './escape.js';
import { headerWithUnit } from './metric-format.js';
import { cellMarks, convergenceNotes, failureNotes, resolutionNotes } from './table-notes.js';
import type { ResultsTable, TableCell } from './results-table.js';

/** The results table as GitHub-flavoured Markdown: best per column in bold, failures as notes below. */
export function resultsTableMarkdown(table: ResultsTable): string {
  const header = ['Loss', table.spread.header, ...table.columns.map((c) => escapeMarkdown(headerWithUnit(c)))];
  const align = [':---', '---:', ...table.columns.map(() => '---:')];
  const lines = [row(header), row(align)];
  for (const r of table.rows) lines.push(row([escapeMarkdown(r.variant), escapeMarkdown(r.seedsText), ...r.cells.map(cellText)]));
  const notes = [...convergenceNotes(table), ...resolutionNotes(table), ...failureNotes(table)].map((n) => `- ${escapeMarkdown(n)}`);
  const caption = escapeMarkdown(table.spread.caption);
  return [...lines, '', caption, ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function cellText(cell: TableCell): string {
  if (!cell.formatted) return '—';
  const mean = cell.best ? `**${cell.formatted.mean}**` : cell.formatted.mean;
  const text = cell.formatted.std === null ? mean : `${mean} ± ${cell.formatted.std}`;
  const marks = cellMarks(cell);
  return marks ? `${text} ${marks}` : text;
}
