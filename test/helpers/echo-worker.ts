import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveSync } from '../../harness/engine/webgpu/sync-channel.js';

/**
 * Answers each call with its number and the posts seen before it; every third call answers after a timer, as a
 * GPU read does, so replies that come late are exercised too.
 */
const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
let posts = 0;
serveSync<{ kind: 'post' } | { kind: 'call'; n: number }, { n: number; posts: number } | null>(port, flag, async (req) => {
  if (req.kind === 'post') {
    posts++;
    return null;
  }
  if (req.n % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  return { n: req.n, posts };
});
// The test's way to make this thread end on its own, as a fatal error in the webgpu worker would.
parentPort!.once('message', () => process.exit(0));
