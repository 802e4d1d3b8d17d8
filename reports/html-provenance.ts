import { escapeHtml } from './escape.js';
import type { Provenance } from './provenance.js';
import { studyText } from './study-spread.js';

/** The provenance section of index.html: the report command, the sweep config, and each run with its config. */
export function provenanceHtml(p: Provenance): string {
  const folds = p.runs.some((r) => r.fold !== null);
  const study = studyText(p.study);
  const runs = p.runs
    .map((r) => {
      const status = [r.state, r.step === null ? '' : `step ${r.step}`, r.reason ?? ''].filter(Boolean).join(', ');
      const config = r.config ? `<details><summary>config.json</summary><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre></details>` : '<em>no config.json</em>';
      const fold = folds ? `<td>${r.fold ?? '—'}</td>` : '';
      return `<tr><td><code>${escapeHtml(r.run)}</code></td><td>${escapeHtml(r.variant)}</td>${fold}<td>${r.seed ?? '—'}</td><td>${escapeHtml(status)}</td>
<td>${r.command ? `<code>${escapeHtml(r.command)}</code>` : '—'}</td><td><ul class="files">${r.files.map((f) => `<li><code>${escapeHtml(f)}</code></li>`).join('')}</ul>${config}</td></tr>`;
    })
    .join('\n');
  return `<section id="provenance"><h2>Provenance</h2>
<p>Every table cell is the mean ± std over the runs of its row, from <code>${escapeHtml(p.leaderboard)}</code> (written ${escapeHtml(p.leaderboardCreatedAt ?? '')}) or, for a metric it does not summarise, from the runs' <code>eval/*.json</code>. Every figure point carries the run it came from (hover for it; the <code>.vl.json</code> files hold the data).</p>
${study ? `<p>Study: ${escapeHtml(study)}</p>
` : ''}<p>Report written ${escapeHtml(p.generatedAt)} by <code>${escapeHtml(p.reportCommand)}</code>.</p>
<details><summary>Sweep config</summary><pre>${escapeHtml(JSON.stringify(p.sweepConfig ?? null, null, 2))}</pre></details>
<table class="runs"><thead><tr><th>Run</th><th>Loss</th>${folds ? '<th>Fold</th>' : ''}<th>Seed</th><th>Status</th><th>Command</th><th>Files read</th></tr></thead>
<tbody>
${runs}
</tbody></table></section>`;
}
