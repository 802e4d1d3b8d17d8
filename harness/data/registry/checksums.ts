import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { readManifest } from '../synthetic/make.js';
import type { ResolvedDataset } from './registry.js';
import { ExitCode, UserError } from '../../core/errors.js';

/**
 * A dataset's checksums: those datasets.json gives for its file keys, and for a generated dataset those its
 * generator recorded in the manifest for the list and meta files under this dataset's folder.
 */
export interface ChecksumResult {
  /** The file key, or the file's path in the manifest. */
  label: string;
  path: string;
  expected: string;
  /** Absent when the file is missing. */
  found?: string;
}

/** Hashes already taken in this process, by path, size and modification time (a sweep embeds one set many times). */
const known = new Map<string, string>();

export async function sha256File(path: string): Promise<string> {
  const { size, mtimeMs } = statSync(path);
  const id = `${path}\0${size}\0${mtimeMs}`;
  const cached = known.get(id);
  if (cached) return cached;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sum = `sha256:${hash.digest('hex')}`;
  known.set(id, sum);
  return sum;
}

export async function compareChecksums(ds: ResolvedDataset): Promise<ChecksumResult[]> {
  const wanted: [label: string, path: string, expected: string][] = Object.entries(ds.entry.checksums ?? {}).map(([key, sum]) => [key, ds.paths[key]!, sum]);
  if (ds.recipe) {
    const dir = resolve(ds.dataRoot, ds.recipe.location);
    for (const [file, sum] of Object.entries(readManifest(dir)?.checksums ?? {})) {
      const path = resolve(dir, file);
      if (!relative(ds.root, path).startsWith('..')) wanted.push([file, path, sum]);
    }
  }
  const results: ChecksumResult[] = [];
  for (const [label, path, expected] of wanted) {
    results.push({ label, path, expected, found: existsSync(path) ? await sha256File(path) : undefined });
  }
  return results;
}

/** One line per file whose checksum is not the expected one (or cannot be taken), naming it. */
export function checksumProblems(results: readonly ChecksumResult[]): string[] {
  return results.flatMap(({ path, expected, found }) => {
    if (found === undefined) return [`${path}: missing, so its checksum cannot be verified`];
    if (found !== expected) return [`${path}: checksum ${found} differs from the expected ${expected}`];
    return [];
  });
}

/**
 * Stops before a dataset whose files differ from the ones its checksums describe is used for features: the
 * protocol numbers would look valid and be for other data. `--ignore-checksums` is the way past for a user who
 * changed the files on purpose.
 */
export async function requireChecksums(ds: ResolvedDataset): Promise<void> {
  const problems = checksumProblems(await compareChecksums(ds));
  if (problems.length === 0) return;
  const name = ds.entry.name;
  throw new UserError(
    `dataset "${name}" does not match its checksums, so features made from it would not be the protocol's:\n  ${problems.join('\n  ')}\n` +
      `  (\`flb datasets check ${name}\` runs the whole check; --ignore-checksums embeds it anyway)`,
    ExitCode.checkFailed,
  );
}
