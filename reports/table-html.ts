import { escapeHtml } from './escape.js';
import { headerWithUnit } from './metric-format.js';
import { failureNotes } from './table-notes.js';
import type { ResultsTable, TableCell } from './results-table.js';

/** The results table as an HTML fragment for index.html; a cell's tooltip names the seeds it averages. */
export function resultsTableHtml(table: ResultsTable): string {
  const head = ['Loss', 'Seeds', ...table.columns.map(headerWithUnit)].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((r) => {
      const cells = r.cells.map((cell) => cellHtml(cell)).join('');
      return `<tr><th scope="row">${escapeHtml(r.variant)}</th><td>${escapeHtml(r.seedsText)}</td>${cells}</tr>`;
    })
    .join('\n');
  const notes = failureNotes(table);
  const noteList = notes.length ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<div class="table-scroll"><table class="results"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>
<p class="caption">Mean ± std over seeds (population std); best per column in bold.</p>${noteList}`;
}

function cellHtml(cell: TableCell): string {
  if (!cell.formatted || !cell.summary) return '<td class="missing">—</td>';
  const mean = cell.best ? `<strong>${cell.formatted.mean}</strong>` : cell.formatted.mean;
  const std = cell.formatted.std === null ? '' : ` <span class="std">± ${cell.formatted.std}</span>`;
  return `<td title="${cell.summary.n} seed(s)"${cell.best ? ' class="best"' : ''}>${mean}${std}</td>`;
}
