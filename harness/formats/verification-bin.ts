import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { PickleWriter, unpickle } from './pickle.js';
import { numpyPickleHooks, PickledArray, PickledScalar } from './pickle-numpy.js';

/**
 * insightface's verification .bin (lfw.bin, cfp_fp.bin, agedb_30.bin): a pickled tuple (bins, issame_list),
 * bins a list of encoded images (JPEG bytes, or numpy uint8 arrays of them), issame_list one bool per pair;
 * pair i compares images 2i and 2i+1.
 */

export interface VerificationBin {
  /** Encoded images (JPEG), two per pair. */
  images: Uint8Array[];
  /** Whether pair i (images 2i and 2i+1) shows one person. */
  issame: boolean[];
}

function imageBytes(x: unknown, path: string, i: number): Uint8Array {
  if (x instanceof Uint8Array) return x;
  // cv2.imencode returns an [N, 1] uint8 array, and that is what some .bin files hold: any shape will do.
  if (x instanceof PickledArray && (x.dtype?.descr === 'u1' || x.dtype?.descr === 'i1')) return x.data;
  throw new UserError(`${path}: image ${i} of the bins list is not a byte string or a uint8 array`);
}

function boolList(x: unknown, path: string): boolean[] {
  if (x instanceof PickledArray) {
    if (x.dtype?.descr !== 'b1' || x.shape.length !== 1) throw new UserError(`${path}: issame_list is a numpy array but not 1-D bool`);
    return Array.from(x.data, (b) => b !== 0);
  }
  if (!Array.isArray(x)) throw new UserError(`${path}: issame_list is not a list`);
  return x.map((v, i) => {
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    if (v instanceof PickledScalar && v.dtype.descr === 'b1') return v.data[0] !== 0;
    throw new UserError(`${path}: issame_list entry ${i} is not a bool`);
  });
}

export function parseVerificationBin(bytes: Uint8Array, path: string): VerificationBin {
  const root = unpickle(bytes, path, numpyPickleHooks);
  if (!Array.isArray(root) || root.length !== 2) {
    throw new UserError(`${path}: expected a pickled tuple (bins, issame_list), as insightface writes verification sets`);
  }
  const [bins, issameList] = root;
  if (!Array.isArray(bins)) throw new UserError(`${path}: bins (first element of the tuple) is not a list`);
  const images = bins.map((b, i) => imageBytes(b, path, i));
  const issame = boolList(issameList, path);
  if (images.length !== 2 * issame.length) {
    throw new UserError(`${path}: ${images.length} images but ${issame.length} pairs; expected two images per pair (2 × ${issame.length} = ${2 * issame.length})`);
  }
  return { images, issame };
}

export function readVerificationBin(path: string): VerificationBin {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`verification .bin not found: ${path}`);
    throw e;
  }
  return parseVerificationBin(bytes, path);
}

export interface VerificationBinWriteOptions {
  /** 2 with `python2` reproduces Python 2's pickle.HIGHEST_PROTOCOL; 3 is Python 3's default; 4 adds framing. */
  protocol?: 2 | 3 | 4;
  /** Store images as Python 2 str (BINSTRING) rather than bytes. */
  python2?: boolean;
}

// Python's pickler flushes list items in batches of 1000 (APPENDS after each MARK).
const BATCH = 1000;

export function encodeVerificationBin(bin: VerificationBin, opts: VerificationBinWriteOptions = {}): Uint8Array {
  if (bin.images.length !== 2 * bin.issame.length) throw new Error(`encodeVerificationBin: ${bin.images.length} images for ${bin.issame.length} pairs`);
  const protocol = opts.protocol ?? 3;
  const python2 = opts.python2 ?? protocol === 2;
  if (python2 && protocol !== 2) throw new Error('Python 2 pickles are protocol 2');
  const w = new PickleWriter().proto(protocol);
  const list = <T>(items: readonly T[], put: (item: T) => void) => {
    w.emptyList();
    for (let i = 0; i < items.length; i += BATCH) {
      w.mark();
      items.slice(i, i + BATCH).forEach(put);
      w.appends();
    }
  };
  list(bin.images, (img) => w.bytes(img, python2));
  list(bin.issame, (same) => w.bool(same));
  return w.tuple2().stop().finish(protocol >= 4);
}

export function writeVerificationBin(path: string, bin: VerificationBin, opts: VerificationBinWriteOptions = {}): void {
  writeFileAtomic(path, encodeVerificationBin(bin, opts));
}
