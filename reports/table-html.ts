import { escapeHtml } from './escape.js';
import { headerWithUnit } from './metric-format.js';
import { cellMarks, convergenceNotes, failureNotes, resolutionNotes } from './table-notes.js';
import type { ResultsTable, TableCell } from './results-table.js';

/** The results table as an HTML fragment for index.html. */
export function resultsTableHtml(table: ResultsTable): string {
  // The loss names are left-aligned, and so is their header; the numbers and theirs are right-aligned.
  const head = [`<th class="label">Loss</th>`, ...[table.spread.header, ...table.columns.map(headerWithUnit)].map((h) => `<th>${escapeHtml(h)}</th>`)].join('');
  const body = table.rows
    .map((r) => {
      const cells = r.cells.map((cell) => cellHtml(cell, r.runs)).join('');
      return `<tr><th scope="row">${escapeHtml(r.variant)}</th><td>${escapeHtml(r.seedsText)}</td>${cells}</tr>`;
    })
    .join('\n');
  const notes = [...convergenceNotes(table), ...resolutionNotes(table), ...failureNotes(table)];
  const noteList = notes.length ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<div class="table-scroll"><table class="results"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>
<p class="caption">${escapeHtml(table.spread.caption)}</p>${noteList}`;
}

/** The cell's hover text names the runs behind it, so every number can be traced to its folders. */
function cellHtml(cell: TableCell, runs: string[]): string {
  if (!cell.formatted || !cell.summary) return '<td class="missing">—</td>';
  const mean = cell.best ? `<strong>${cell.formatted.mean}</strong>` : cell.formatted.mean;
  const std = cell.formatted.std === null ? '' : ` <span class="std">± ${cell.formatted.std}</span>`;
  const trace = `mean of ${cell.summary.n} run(s) over the finished runs of: ${runs.join(', ')}`;
  const why = [
    trace,
    cell.unconverged ? 'A run of this row did not converge (see the note below the table).' : '',
    cell.unresolved ? 'Not measurable on this set: the target FAR is below one impostor pair (see the note below the table).' : '',
  ].filter(Boolean).join(' ');
  const classes = [cell.best ? 'best' : '', cell.unresolved ? 'unresolved' : '', cell.unconverged ? 'unconverged' : ''].filter(Boolean).join(' ');
  const marks = cellMarks(cell);
  return `<td title="${escapeHtml(why)}"${classes ? ` class="${classes}"` : ''}>${mean}${std}${marks ? ` ${marks}` : ''}</td>`;
}
