import { UserError } from '../core/errors.js';

/**
 * Just enough of Python's pickle (protocols 2–4, as Python 2 and 3 write them) to read data files such as
 * insightface's verification .bin: lists, tuples, dicts, ints, floats, bools, None, str, bytes — Python 2
 * `str` (STRING opcodes) and Python 3 `bytes` both come back as Uint8Array — and objects built from a
 * global by REDUCE/BUILD, which the caller interprets through `PickleHooks` (e.g. numpy arrays).
 * Nothing is ever executed: an unknown global is an error.
 */

/** A `module.name` reference met in the stream (a class or function the pickle wants to call). */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object under construction whose state arrives later through BUILD (e.g. a numpy array). */
export interface Buildable {
  build(state: unknown): void;
}

export interface PickleHooks {
  /** Result of calling `global(...args)`; return undefined when the global is not supported. */
  reduce(global: PickleGlobal, args: unknown[]): unknown;
}

function isBuildable(x: unknown): x is Buildable {
  return typeof x === 'object' && x !== null && typeof (x as Buildable).build === 'function';
}

const MARK = Symbol('mark');
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

class PickleReader {
  private pos = 0;
  private readonly view: DataView;
  private readonly stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly label: string,
    private readonly hooks: PickleHooks,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    throw new UserError(`${this.label}: ${message}`);
  }

  /** Runs a hook, turning its complaint about a malformed object into an error naming the file and byte. */
  private guard<T>(at: number, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof UserError) throw e;
      this.fail(`${(e as Error).message} (byte ${at})`);
    }
  }

  private take(n: number, opcodeAt: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) {
      this.fail(`truncated pickle: the opcode at byte ${opcodeAt} needs ${n} more bytes at byte ${this.pos}, but the file ends at ${this.bytes.length}`);
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u8(at: number): number {
    return this.take(1, at)[0];
  }
  private u16(at: number): number {
    const b = this.take(2, at);
    return b[0] | (b[1] << 8);
  }
  private i32(at: number): number {
    this.take(4, at);
    return this.view.getInt32(this.pos - 4, true);
  }
  private u64(at: number): number {
    this.take(8, at);
    return Number(this.view.getBigUint64(this.pos - 8, true));
  }
  private line(at: number): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail(`truncated pickle: the opcode at byte ${at} needs a newline-terminated argument`);
    const text = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private pop(at: number): unknown {
    if (this.stack.length === 0) this.fail(`malformed pickle: empty stack at byte ${at}`);
    return this.stack.pop();
  }
  private top(at: number): unknown {
    if (this.stack.length === 0) this.fail(`malformed pickle: empty stack at byte ${at}`);
    return this.stack[this.stack.length - 1];
  }
  private popMark(at: number): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail(`malformed pickle: no MARK before the opcode at byte ${at}`);
    return this.stack.splice(mark);
  }
  private list(at: number, x: unknown): unknown[] {
    if (!Array.isArray(x)) this.fail(`malformed pickle: APPEND to a non-list at byte ${at}`);
    return x;
  }

  private long(n: number, at: number): number {
    const b = this.take(n, at);
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i]);
    if (n > 0 && b[n - 1] & 0x80) value -= 1n << BigInt(8 * n);
    return Number(value);
  }

  run(): unknown {
    for (;;) {
      const at = this.pos;
      if (at >= this.bytes.length) this.fail(`truncated pickle: no STOP opcode before the end of the file (${this.bytes.length} bytes)`);
      const op = this.bytes[this.pos++];
      switch (op) {
        case 0x80: // PROTO
          this.u8(at);
          break;
        case 0x95: // FRAME: we hold the whole file, so frame boundaries do not matter
          this.u64(at);
          break;
        case 0x2e: // STOP
          return this.pop(at);
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          break;
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          this.stack.push([]);
          break;
        case 0x7d: // EMPTY_DICT
          this.stack.push(new Map());
          break;
        case 0x6c: // LIST
        case 0x74: // TUPLE
          this.stack.push(this.popMark(at));
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const n = op - 0x84;
          if (this.stack.length < n) this.fail(`malformed pickle: TUPLE${n} on a stack of ${this.stack.length} at byte ${at}`);
          this.stack.push(this.stack.splice(this.stack.length - n, n));
          break;
        }
        case 0x61: {
          // APPEND
          const item = this.pop(at);
          this.list(at, this.top(at)).push(item);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark(at);
          this.list(at, this.top(at)).push(...items);
          break;
        }
        case 0x73: // SETITEM
        case 0x75: {
          // SETITEMS
          const items = op === 0x73 ? [this.pop(at), this.pop(at)].reverse() : this.popMark(at);
          const dict = this.top(at);
          if (!(dict instanceof Map)) this.fail(`malformed pickle: SETITEM on a non-dict at byte ${at}`);
          for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
          break;
        }
        case 0x71: // BINPUT
          this.memo.set(this.u8(at), this.top(at));
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.i32(at), this.top(at));
          break;
        case 0x70: // PUT
          this.memo.set(Number(this.line(at)), this.top(at));
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top(at));
          break;
        case 0x68: // BINGET
        case 0x6a: // LONG_BINGET
        case 0x67: {
          // GET
          const key = op === 0x68 ? this.u8(at) : op === 0x6a ? this.i32(at) : Number(this.line(at));
          if (!this.memo.has(key)) this.fail(`malformed pickle: memo entry ${key} read before it was written (byte ${at})`);
          this.stack.push(this.memo.get(key));
          break;
        }
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x4b: // BININT1
          this.stack.push(this.u8(at));
          break;
        case 0x4d: // BININT2
          this.stack.push(this.u16(at));
          break;
        case 0x4a: // BININT
          this.stack.push(this.i32(at));
          break;
        case 0x8a: // LONG1
          this.stack.push(this.long(this.u8(at), at));
          break;
        case 0x8b: // LONG4
          this.stack.push(this.long(this.i32(at), at));
          break;
        case 0x47: {
          // BINFLOAT (big-endian)
          this.take(8, at);
          this.stack.push(this.view.getFloat64(this.pos - 8, false));
          break;
        }
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(utf8.decode(this.take(this.u8(at), at)));
          break;
        case 0x58: // BINUNICODE
          this.stack.push(utf8.decode(this.take(this.i32(at), at)));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(utf8.decode(this.take(this.u64(at), at)));
          break;
        case 0x43: // SHORT_BINBYTES
        case 0x55: // SHORT_BINSTRING (Python 2 str)
          this.stack.push(this.take(this.u8(at), at));
          break;
        case 0x42: // BINBYTES
        case 0x54: // BINSTRING (Python 2 str)
          this.stack.push(this.take(this.i32(at), at));
          break;
        case 0x8e: // BINBYTES8
          this.stack.push(this.take(this.u64(at), at));
          break;
        case 0x63: {
          // GLOBAL
          const module = this.line(at);
          this.stack.push(new PickleGlobal(module, this.line(at)));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop(at);
          const module = this.pop(at);
          this.stack.push(new PickleGlobal(String(module), String(name)));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop(at);
          const callable = this.pop(at);
          if (!(callable instanceof PickleGlobal) || !Array.isArray(args)) this.fail(`malformed pickle: REDUCE without a global and an argument tuple at byte ${at}`);
          const value = this.guard(at, () => this.hooks.reduce(callable, args));
          if (value === undefined) this.fail(`unsupported Python object ${callable.qualifiedName} in the pickle (byte ${at})`);
          this.stack.push(value);
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop(at);
          const target = this.top(at);
          if (!isBuildable(target)) this.fail(`unsupported BUILD on a plain value at byte ${at}`);
          this.guard(at, () => target.build(state));
          break;
        }
        default:
          this.fail(`unsupported or corrupt pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
      }
    }
  }
}

/** Unpickles `bytes`; `label` (usually the file path) starts every error message. */
export function unpickle(bytes: Uint8Array, label: string, hooks: PickleHooks): unknown {
  if (bytes.length < 2 || bytes[0] !== 0x80 || bytes[1] < 2 || bytes[1] > 5) {
    throw new UserError(`${label}: not a Python pickle of protocol 2–5 (it does not start with the PROTO opcode)`);
  }
  return new PickleReader(bytes, label, hooks).run();
}

/** Bytes from a pickled string field, whichever way the writer stored it (Python 2 str, Python 3 bytes or str). */
export function pickledBytes(x: unknown): Uint8Array | undefined {
  if (x instanceof Uint8Array) return x;
  if (typeof x === 'string') return Uint8Array.from(x, (c) => c.charCodeAt(0) & 0xff);
  return undefined;
}

export function pickledText(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x instanceof Uint8Array) return latin1.decode(x);
  return undefined;
}

/** Builds a pickle opcode by opcode; used to write fixtures in the layouts Python 2 and 3 produce. */
export class PickleWriter {
  private readonly chunks: Uint8Array[] = [];

  private op(...bytes: number[]): this {
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }
  private raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    return this;
  }
  private le(value: number, size: 4 | 8): Uint8Array {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (size === 4) v.setUint32(0, value, true);
    else v.setBigUint64(0, BigInt(value), true);
    return b;
  }

  proto(version: number): this {
    return this.op(0x80, version);
  }
  mark(): this {
    return this.op(0x28);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  appends(): this {
    return this.op(0x65);
  }
  tuple2(): this {
    return this.op(0x86);
  }
  bool(value: boolean): this {
    return this.op(value ? 0x88 : 0x89);
  }
  stop(): this {
    return this.op(0x2e);
  }
  /** Python 3 bytes (SHORT_BINBYTES / BINBYTES) or, with `python2`, a Python 2 str (SHORT_BINSTRING / BINSTRING). */
  bytes(value: Uint8Array, python2 = false): this {
    if (value.length < 256) this.op(python2 ? 0x55 : 0x43, value.length);
    else this.op(python2 ? 0x54 : 0x42).raw(this.le(value.length, 4));
    return this.raw(value);
  }
  /** Everything written so far; with `frame` (protocol 4) the body after PROTO is wrapped in one FRAME. */
  finish(frame = false): Uint8Array {
    let parts = this.chunks;
    if (frame) {
      const [proto, ...body] = parts;
      const length = body.reduce((n, c) => n + c.length, 0);
      parts = [proto, Uint8Array.of(0x95), this.le(length, 8), ...body];
    }
    const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of parts) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
