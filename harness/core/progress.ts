import cliProgress from 'cli-progress';

/** How a long task reports: a bar with ETA on a terminal, periodic plain lines otherwise, nothing when quiet. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'quiet';

export interface Progress {
  /** Advance to `done` of `total`; `info` is a short status shown beside the bar (e.g. "loss 3.21"). */
  update(done: number, info?: string): void;
  stop(): void;
}

/** Writes progress to stderr so stdout stays clean for --json output. */
export function startProgress(label: string, total: number, mode: ProgressMode = 'auto', linesEveryMs = 5000): Progress {
  const resolved = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'quiet') return { update() {}, stop() {} };
  if (resolved === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {info}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      update(done, info = '') {
        bar.update(done, { info });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const started = Date.now();
  let lastPrint = 0;
  let last = 0;
  const print = (done: number, info: string) => {
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '?';
    process.stderr.write(`${label}: ${done}/${total} (${((100 * done) / Math.max(total, 1)).toFixed(0)}%) ETA ${etaText} ${info}\n`);
  };
  return {
    update(done, info = '') {
      last = done;
      const now = Date.now();
      if (now - lastPrint >= linesEveryMs || done === total) {
        lastPrint = now;
        print(done, info);
      }
    },
    stop() {
      if (last !== total && lastPrint !== 0) return;
    },
  };
}
