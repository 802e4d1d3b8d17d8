import { progressModeFrom } from '../options.js';
import { checkDataset, type DatasetCheck } from '../../data/registry/check.js';
import { datasetStatus, getDataset, listDatasets, loadRegistry, resolveDataRoot, resolveDataset } from '../../data/registry/registry.js';
import { ensureSynthetic } from '../../data/synthetic/make.js';
import { ExitCode, UserError } from '../../core/errors.js';

export interface CommonFlags {
  dataRoot?: string;
  json?: boolean;
}

export interface CheckFlags extends CommonFlags {
  deep?: boolean;
  quiet?: boolean;
}

export interface MakeFlags extends CommonFlags {
  force?: boolean;
  threads?: number;
  quiet?: boolean;
}

export function listCommand(flags: CommonFlags): void {
  const dataRoot = resolveDataRoot(flags.dataRoot);
  const rows = listDatasets().map((entry) => {
    const ds = resolveDataset(entry.name, { dataRoot });
    return {
      name: entry.name,
      role: entry.role,
      format: entry.format,
      status: datasetStatus(ds),
      location: ds.root,
      generator: entry.generator ?? null,
      description: entry.description,
      hint: entry.hint ?? null,
    };
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ dataRoot: resolveDataRoot(dataRoot), datasets: rows }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`data root: ${resolveDataRoot(dataRoot)}\n`);
  process.stdout.write(table(['name', 'role', 'format', 'status', 'description'], rows.map((r) => [r.name, r.role, r.format, r.status, r.description])));
}

export async function checkCommand(names: string[], flags: CheckFlags): Promise<void> {
  const dataRoot = resolveDataRoot(flags.dataRoot);
  for (const name of names) getDataset(name); // unknown names fail before any work
  const checks: DatasetCheck[] = [];
  for (const name of names) checks.push(await checkDataset(name, { dataRoot, deep: flags.deep, progress: progressModeFrom(flags) }));
  if (flags.json) process.stdout.write(JSON.stringify(checks.length === 1 ? checks[0] : checks, null, 2) + '\n');
  else for (const c of checks) process.stdout.write(describeCheck(c));
  if (checks.some((c) => !c.ok)) process.exitCode = ExitCode.checkFailed;
}

function describeCheck(c: DatasetCheck): string {
  const lines = [`${c.name} (${c.role}, ${c.format}): ${c.ok ? 'OK' : 'PROBLEMS'} — ${c.status}`, `  location: ${c.root}`];
  for (const [key, { found, expected }] of Object.entries(c.counts)) {
    const verdict = expected === undefined ? '' : found === expected ? ' (as expected)' : ` (expected ${expected})`;
    lines.push(`  ${key}: ${found}${verdict}`);
  }
  for (const [file, { expected, found }] of Object.entries(c.checksums)) {
    lines.push(`  checksum ${file}: ${found === expected ? 'ok' : found === undefined ? 'file missing' : 'MISMATCH'}`);
  }
  if (c.deep) lines.push(`  decoded: ${c.deep.images - c.deep.bad.length} of ${c.deep.images} images`);
  for (const p of c.problems) lines.push(`  ✗ ${p}`);
  for (const b of c.deep?.bad ?? []) lines.push(`      ${b.key}: ${b.problem}`);
  if (!c.ok && c.hint) lines.push(`  to obtain it: ${c.hint}`);
  return lines.join('\n') + '\n';
}

export async function makeCommand(name: string, flags: MakeFlags): Promise<void> {
  const entry = getDataset(name);
  if (!entry.generator) {
    throw new UserError(`dataset "${name}" is not generated; it is brought by users${entry.hint ? `: ${entry.hint}` : ''}`);
  }
  const recipe = loadRegistry().generators[entry.generator]!;
  const dataRoot = resolveDataRoot(flags.dataRoot);
  const result = await ensureSynthetic(entry.generator, recipe, dataRoot, { progress: progressModeFrom(flags), threads: flags.threads, force: flags.force });
  const made = listDatasets().filter((d) => d.generator === entry.generator).map((d) => d.name);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ generator: entry.generator, datasets: made, ...result }, null, 2) + '\n');
    return;
  }
  const what = `${entry.generator} (${made.join(', ')})`;
  process.stdout.write(
    result.made
      ? `made ${what}: ${result.images} images in ${result.seconds.toFixed(1)} s (${Math.round(result.images / result.seconds)} images/s) → ${result.dir}\n`
      : `${what} is up to date at ${result.dir} (${result.images} images); --force makes it again\n`,
  );
}

/** A plain left-aligned text table. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n';
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}
