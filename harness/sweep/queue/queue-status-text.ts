import type { QueueStatus } from './queue-admin.js';

/** `flb queue status` as a person reads it. */
export function statusText(status: QueueStatus): string {
  const c = status.counts;
  const queued = c.waiting + c.prioritized + c.delayed;
  const out = [
    `queue ${status.queue}: ${status.workers} worker connection${status.workers === 1 ? '' : 's'}`,
    `  ${queued} queued, ${c.active} running, ${c.completed} completed, ${c.failed} failed`,
  ];
  if (status.sweeps.length) {
    out.push('', 'sweeps:');
    for (const { sweep, counts: s } of status.sweeps) {
      out.push(`  ${sweep}: ${s.waiting + s.prioritized + s.delayed} queued, ${s.active} running, ${s.completed} completed, ${s.failed} failed`);
    }
  }
  if (status.running.length) {
    out.push('', 'running:');
    for (const r of status.running) {
      const progress = r.percent === null ? '' : ` ${r.percent}%${r.stage ? ` (${r.stage})` : ''}`;
      out.push(`  ${r.run}  ${r.label}  on ${r.worker ?? '?'}${progress}`);
    }
  }
  if (status.failed.length) {
    out.push('', 'failed:');
    for (const f of status.failed) out.push(`  ${f.run}  ${f.label}  after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}${f.worker ? ` on ${f.worker}` : ''}: ${f.reason}`);
  }
  return `${out.join('\n')}\n`;
}
