import test from 'ava';
import { MessageChannel, Worker } from 'node:worker_threads';
import { tsWorkerExecArgv } from '../harness/core/worker-exec-argv.js';
import { sharedFlag, SyncCaller } from '../harness/engine/webgpu/sync-channel.js';

/** The synchronous calls the webgpu backend makes into its device's thread, with a plain worker on the other end. */

function startEcho() {
  const { port1, port2 } = new MessageChannel();
  const flag = sharedFlag();
  const worker = new Worker(new URL('./helpers/echo-worker.cjs', import.meta.url), {
    workerData: { port: port2, flag },
    transferList: [port2],
    execArgv: tsWorkerExecArgv(),
  });
  return { worker, caller: new SyncCaller<{ kind: 'post' } | { kind: 'call'; n: number }, { n: number; posts: number }>(port1, flag, 30_000) };
}

test('every call gets its own answer, in order, after the posts sent before it', async (t) => {
  const { worker, caller } = startEcho();
  let posted = 0;
  const wrong: string[] = [];
  for (let n = 0; n < 1000; n++) {
    for (let p = 0; p < n % 4; p++, posted++) caller.post({ kind: 'post' });
    const reply = caller.call({ kind: 'call', n });
    if (reply.n !== n || reply.posts !== posted) wrong.push(`call ${n}: got ${JSON.stringify(reply)}, posts sent ${posted}`);
  }
  t.deepEqual(wrong.slice(0, 3), []);
  await worker.terminate();
});

test('a call to a worker that has stopped fails at once instead of waiting', async (t) => {
  const ended = startEcho();
  t.is(ended.caller.call({ kind: 'call', n: 1 }).n, 1);
  ended.caller.close();
  await ended.worker.terminate();
  t.throws(() => ended.caller.call({ kind: 'call', n: 2 }), { message: /the WebGPU worker thread has stopped/ });

  // A worker that exits on its own (an uncaught error, process.exit) says so through the shared flag.
  const exited = startEcho();
  const gone = new Promise((resolve) => exited.worker.once('exit', resolve));
  exited.worker.postMessage('exit');
  await gone;
  const started = performance.now();
  t.throws(() => exited.caller.call({ kind: 'call', n: 3 }), { message: /the WebGPU worker thread has stopped/ });
  t.true(performance.now() - started < 1000);
});
