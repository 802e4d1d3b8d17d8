import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import CDP from 'chrome-remote-interface';

/** Debian's chromium, or the path in CHROMIUM; null when absent. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface PageVisit<T> {
  /** console.error/assert calls, uncaught exceptions and browser log errors (CSP violations, failed loads). */
  errors: string[];
  /** Dialogs the page tried to open (an alert() would be an injected script running). */
  dialogs: string[];
  /** Network requests other than the page itself: an offline page makes none. */
  requests: string[];
  result: T;
}

/**
 * Opens a local HTML file in headless Chromium (fresh profile, no network services), waits until `ready` (an
 * expression evaluated in the page) is true, then returns `inspect`'s value and everything the page complained about.
 */
export async function visitPage<T>(file: string, ready: string, inspect: string, opts: { hover?: string; timeoutMs?: number } = {}): Promise<PageVisit<T>> {
  // Generous: the machine running the tests may be shared and loaded.
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const binary = chromiumPath();
  if (!binary) throw new Error('chromium not found (apt-get install -y chromium)');
  const profile = mkdtempSync(join(tmpdir(), 'flb-chromium-'));
  const browser = spawn(
    binary,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
    ],
    // Its own process group, so the renderer and zygote children end with it (they would keep the profile busy).
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  try {
    const port = await devtoolsPort(browser);
    const client = await CDP({ port });
    const errors: string[] = [];
    const dialogs: string[] = [];
    const requests: string[] = [];
    const pageUrl = pathToFileURL(file).href;
    try {
      const { Runtime, Log, Page, Network, Input } = client;
      Runtime.consoleAPICalled((e) => {
        if (e.type === 'error' || e.type === 'assert') errors.push(`console.${e.type}: ${e.args.map((a) => a.value ?? a.description).join(' ')}`);
      });
      Runtime.exceptionThrown((e) => errors.push(`exception: ${e.exceptionDetails.exception?.description ?? e.exceptionDetails.text}`));
      Log.entryAdded((e) => {
        if (e.entry.level === 'error') errors.push(`log: ${e.entry.text}`);
      });
      Page.javascriptDialogOpening((e) => {
        dialogs.push(e.message);
        void Page.handleJavaScriptDialog({ accept: true });
      });
      Network.requestWillBeSent((e) => {
        if (e.request.url !== pageUrl) requests.push(e.request.url);
      });
      await Promise.all([Runtime.enable(), Log.enable(), Page.enable(), Network.enable()]);
      const loaded = Page.loadEventFired();
      await Page.navigate({ url: pageUrl });
      await loaded;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { result } = await Runtime.evaluate({ expression: ready, returnByValue: true });
        if (result.value === true) break;
        if (Date.now() > deadline) throw new Error(`page not ready after ${timeoutMs} ms (${ready}); errors so far: ${errors.join('; ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (opts.hover) {
        // Moves the mouse onto the centre of the first element matching `hover`, as a reader pointing at a mark.
        const box = await Runtime.evaluate({
          expression: `(() => { const el = document.querySelector(${JSON.stringify(opts.hover)}); if (!el) return null; el.scrollIntoView({ block: 'center' }); const r = el.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`,
          returnByValue: true,
        });
        const point = box.result.value as { x: number; y: number } | null;
        if (!point) throw new Error(`nothing to hover: no element matches ${opts.hover}`);
        await Input.dispatchMouseEvent({ type: 'mouseMoved', x: point.x - 5, y: point.y - 5 });
        await Input.dispatchMouseEvent({ type: 'mouseMoved', x: point.x, y: point.y });
        await new Promise((r) => setTimeout(r, 300));
      }
      const { result, exceptionDetails } = await Runtime.evaluate({ expression: inspect, returnByValue: true });
      if (exceptionDetails) throw new Error(`inspect failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return { errors, dialogs, requests, result: result.value as T };
    } finally {
      await client.close();
    }
  } finally {
    const exited = browser.exitCode !== null || browser.signalCode !== null ? Promise.resolve() : new Promise((r) => browser.once('exit', r));
    try {
      process.kill(-browser.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

function devtoolsPort(browser: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start its DevTools endpoint:\n${text}`)), 90_000);
    browser.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    browser.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited (${code}) before DevTools was up:\n${text}`));
    });
  });
}
