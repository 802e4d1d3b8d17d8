import cliProgress from 'cli-progress';

/** How a long task reports: a bar with ETA on a terminal, periodic plain lines otherwise, nothing when quiet. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'quiet';

export interface Progress {
  /** Advance to `done` of `total`; `info` is a short status shown beside the bar (e.g. "loss 3.21"). */
  update(done: number, info?: string): void;
  stop(): void;
}

/**
 * Seconds left, from the rate since the first update (not since the bar started: a resumed run starts part-way),
 * or null until there is a rate to go by — cli-progress would show "ETA NFs" there.
 */
export function etaSeconds(first: { done: number; at: number }, done: number, total: number, now: number): number | null {
  const progressed = done - first.done;
  if (progressed <= 0 || now <= first.at) return null;
  return ((now - first.at) / 1000 / progressed) * (total - done);
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  if (s < 60) return `ETA ${s}s`;
  if (s < 3600) return `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Writes progress to stderr so stdout stays clean for --json output. */
export function startProgress(label: string, total: number, mode: ProgressMode = 'auto', linesEveryMs = 5000): Progress {
  const resolved = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'quiet') return { update() {}, stop() {} };
  let first: { done: number; at: number } | null = null;
  const eta = (done: number) => {
    const now = Date.now();
    first ??= { done, at: now };
    return formatEta(etaSeconds(first, done, total, now));
  };
  if (resolved === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta} | {info}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '', eta: '' });
    return {
      update(done, info = '') {
        bar.update(done, { info, eta: eta(done) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastPrint = 0;
  let last = 0;
  const print = (done: number, info: string) => {
    const etaText = eta(done);
    process.stderr.write(`${label}: ${done}/${total} (${((100 * done) / Math.max(total, 1)).toFixed(0)}%)${etaText ? ` ${etaText}` : ''}${info ? ` ${info}` : ''}\n`);
  };
  return {
    update(done, info = '') {
      last = done;
      const now = Date.now();
      if (now - lastPrint >= linesEveryMs || done === total) {
        lastPrint = now;
        print(done, info);
      } else {
        eta(done); // the rate counts from the first update, printed or not
      }
    },
    stop() {
      if (last !== total && lastPrint !== 0) return;
    },
  };
}
