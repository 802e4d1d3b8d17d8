import { escapeHtml } from './escape.js';
import { headerWithUnit } from './metric-format.js';
import { failureNotes, resolutionNotes, UNRESOLVED_MARK } from './table-notes.js';
import type { ResultsTable, TableCell } from './results-table.js';

/** The results table as an HTML fragment for index.html. */
export function resultsTableHtml(table: ResultsTable): string {
  const head = ['Loss', table.spread.header, ...table.columns.map(headerWithUnit)].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((r) => {
      const cells = r.cells.map((cell) => cellHtml(cell, r.runs)).join('');
      return `<tr><th scope="row">${escapeHtml(r.variant)}</th><td>${escapeHtml(r.seedsText)}</td>${cells}</tr>`;
    })
    .join('\n');
  const notes = [...resolutionNotes(table), ...failureNotes(table)];
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
  if (cell.unresolved) {
    const why = `${trace}. Not measurable on this set: the target FAR is below one impostor pair (see the note below the table).`;
    return `<td title="${escapeHtml(why)}" class="unresolved">${mean}${std} ${UNRESOLVED_MARK}</td>`;
  }
  return `<td title="${escapeHtml(trace)}"${cell.best ? ' class="best"' : ''}>${mean}${std}</td>`;
}
