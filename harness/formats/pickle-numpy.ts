import { pickledBytes, pickledText, type Buildable, type PickleGlobal, type PickleHooks } from './pickle.js';

/**
 * The numpy (and bytes-compatibility) objects that appear in pickled data files: 1-D numpy arrays of plain
 * dtypes, numpy scalars, and the `_codecs.encode` trick Python 3 uses to pickle bytes at protocol 2.
 * Some insightface .bin files store each JPEG as a numpy uint8 array rather than as bytes.
 */

export class PickledDtype implements Buildable {
  /** numpy type string without byte order, e.g. 'u1', 'b1', 'f4'. */
  readonly descr: string;
  byteOrder = '|';
  constructor(descr: string) {
    this.descr = descr;
  }
  build(state: unknown): void {
    // State tuple: (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (Array.isArray(state)) this.byteOrder = pickledText(state[1]) ?? '|';
  }
}

export class PickledArray implements Buildable {
  shape: number[] = [];
  dtype: PickledDtype | undefined;
  fortranOrder = false;
  /** Raw element bytes, C order. */
  data: Uint8Array = new Uint8Array(0);
  build(state: unknown): void {
    // State tuple: (version, shape, dtype, is_fortran, rawdata)
    if (!Array.isArray(state) || state.length < 5) throw new Error('numpy array state is not a 5-tuple');
    this.shape = (state[1] as unknown[]).map(Number);
    this.dtype = state[2] instanceof PickledDtype ? state[2] : undefined;
    this.fortranOrder = state[3] === true;
    const raw = pickledBytes(state[4]);
    if (!raw) throw new Error('numpy array data is not a byte string (object arrays are not supported)');
    this.data = raw;
  }
}

/** A numpy scalar (e.g. numpy.bool_): its dtype and raw bytes. */
export class PickledScalar {
  constructor(
    readonly dtype: PickledDtype,
    readonly data: Uint8Array,
  ) {}
}

const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const SCALAR = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar']);

export const numpyPickleHooks: PickleHooks = {
  reduce(global: PickleGlobal, args: unknown[]): unknown {
    const name = global.qualifiedName;
    if (RECONSTRUCT.has(name)) return new PickledArray();
    if (name === 'numpy.dtype') {
      const descr = pickledText(args[0]);
      return descr === undefined ? undefined : new PickledDtype(descr.replace(/^[<>|=]/, ''));
    }
    if (SCALAR.has(name) && args[0] instanceof PickledDtype) {
      const data = pickledBytes(args[1]);
      return data && new PickledScalar(args[0], data);
    }
    if (name === '_codecs.encode') {
      // Python 3 pickles bytes at protocol 2 as _codecs.encode(text, 'latin1').
      return pickledBytes(args[0]);
    }
    if (name === '__builtin__.bytes' || name === 'builtins.bytes') {
      return args.length === 0 ? new Uint8Array(0) : pickledBytes(args[0]);
    }
    return undefined;
  },
};
