import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * A synchronous call into a worker thread. tfjs reads tensors synchronously (dataSync, arraySync) all through
 * the harness and the loss plugins, but WebGPU only reads a GPU buffer back through a promise, which Dawn settles
 * on the event loop of the thread that owns the device. So the device lives in a worker: the main thread posts a
 * request and sleeps on a shared flag (Atomics.wait), the worker's own event loop awaits the GPU, posts the reply
 * and wakes it, and the main thread takes the reply off the port synchronously (receiveMessageOnPort).
 */

/** Flag values in slot 0 of the shared Int32Array. */
const WAITING = 0;
const REPLIED = 1;
/** The worker thread is exiting: no reply will come. */
const GONE = 2;

interface Envelope<Req> {
  reply: boolean;
  body: Req;
}

export function sharedFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** The main thread's end. `timeoutMs` bounds one call, so a wedged device ends the run with a message. */
export class SyncCaller<Req, Rep> {
  private closed: string | null = null;

  constructor(
    private readonly port: MessagePort,
    private readonly flag: Int32Array,
    private readonly timeoutMs: number,
  ) {}

  /**
   * No more calls: the worker was terminated (which runs none of its exit handlers) or has exited. Later calls
   * fail at once instead of waiting out the timeout.
   */
  close(why = ''): void {
    this.closed ??= why;
  }

  private checkOpen(): void {
    if (this.closed !== null || Atomics.load(this.flag, 0) === GONE) {
      throw new Error(`the WebGPU worker thread has stopped${this.closed ? `: ${this.closed}` : ''}`);
    }
  }

  /** Sends a request that needs no answer (its failure, if any, comes back with the next call's reply). */
  post(body: Req): void {
    this.checkOpen();
    this.port.postMessage({ reply: false, body } satisfies Envelope<Req>);
  }

  call(body: Req): Rep {
    this.checkOpen();
    Atomics.store(this.flag, 0, WAITING);
    this.port.postMessage({ reply: true, body } satisfies Envelope<Req>);
    const deadline = performance.now() + this.timeoutMs;
    // A wake-up is not an answer: the worker's notify for the previous reply can land after this call began
    // waiting, if its thread was preempted between setting the flag and notifying.
    while (Atomics.load(this.flag, 0) === WAITING) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the WebGPU worker did not answer within ${Math.round(this.timeoutMs / 1000)} s`);
      Atomics.wait(this.flag, 0, WAITING, left);
    }
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new Error('the WebGPU worker thread stopped without answering');
    return received.message as Rep;
  }
}

/**
 * The worker's end: requests are handled one at a time, in order (a read awaits the GPU before the next request
 * runs). `handle` must not throw; it turns failures into replies.
 */
export function serveSync<Req, Rep>(port: MessagePort, flag: Int32Array, handle: (req: Req) => Rep | Promise<Rep>): void {
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (envelope: Envelope<Req>) => {
    queue = queue.then(async () => {
      const rep = await handle(envelope.body);
      if (!envelope.reply) return;
      port.postMessage(rep);
      Atomics.store(flag, 0, REPLIED);
      Atomics.notify(flag, 0);
    });
  });
  // A thread that ends (an uncaught error, process.exit) wakes a caller that would otherwise wait for its timeout.
  process.on('exit', () => {
    Atomics.store(flag, 0, GONE);
    Atomics.notify(flag, 0);
  });
}
