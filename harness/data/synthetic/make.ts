import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { tsWorkerExecArgv } from '../../core/worker-exec-argv.js';
import { writeDirAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { startProgress, type ProgressMode } from '../../core/progress.js';
import { makeDir, writeError } from '../../core/output-path.js';
import { UserError } from '../../core/errors.js';
import renderBatch, { type RenderBatch, type RenderedImage } from './worker.js';
import { planIjbcSplit } from './make-ijbc.js';
import { planLfwSplit } from './make-lfw.js';
import { planMegafaceSplit } from './make-megaface.js';
import type { SplitPlan } from './plan.js';
import type { SyntheticRecipe } from './recipe.js';
import { planTrainSplit } from './make-train.js';

/** Bump when the generator's output for a given recipe changes, so cached datasets are made again. */
export const SYNTHETIC_GENERATOR_VERSION = 3;

export const MANIFEST_FILE = 'manifest.json';

/** Written last into a generated dataset's folder: what made it, so a changed recipe is noticed. */
export interface SyntheticManifest {
  generator: 'synthetic-faces';
  version: number;
  recipeName: string;
  recipe: SyntheticRecipe;
  splits: Record<string, { identities: { first: number; count: number }; counts: Record<string, number> }>;
  /** "sha256:<hex>" of each list and meta file, by path relative to the dataset folder. */
  checksums: Record<string, string>;
  images: number;
  seconds: number;
  createdAt: string;
}

export interface MakeOptions {
  progress?: ProgressMode;
  /** Worker threads; default: one per core. Small datasets are rendered in-process whatever this says. */
  threads?: number;
}

export interface MakeResult {
  dir: string;
  /** False when an up-to-date copy was already there. */
  made: boolean;
  images: number;
  seconds: number;
}

/** All splits of a recipe, on consecutive, disjoint ranges of generator identities. */
export function planSplits(recipe: SyntheticRecipe): SplitPlan[] {
  const { seed } = recipe.faces;
  const plans: SplitPlan[] = [];
  let next = 0;
  const add = (plan: SplitPlan) => {
    plans.push(plan);
    next += plan.identities.count;
  };
  add(planTrainSplit(recipe.splits.train, next));
  if (recipe.splits.lfw) add(planLfwSplit(recipe.splits.lfw, next, seed));
  if (recipe.splits.megaface) add(planMegafaceSplit(recipe.splits.megaface, next));
  if (recipe.splits.ijbc) add(planIjbcSplit(recipe.splits.ijbc, next, seed));
  return plans;
}

export function readManifest(dir: string): SyntheticManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as SyntheticManifest;
  } catch {
    return undefined;
  }
}

export function isUpToDate(manifest: SyntheticManifest | undefined, recipe: SyntheticRecipe): boolean {
  return manifest?.version === SYNTHETIC_GENERATOR_VERSION && JSON.stringify(manifest.recipe) === JSON.stringify(recipe);
}

/**
 * Makes the dataset unless an up-to-date copy exists (or `force`); safe when several processes ask at once:
 * one makes it, the others wait for it.
 */
export async function ensureSynthetic(recipeName: string, recipe: SyntheticRecipe, dataRoot: string, opts: MakeOptions & { force?: boolean } = {}): Promise<MakeResult> {
  const dir = resolve(dataRoot, recipe.location);
  const upToDate = () => {
    const manifest = readManifest(dir);
    return !opts.force && isUpToDate(manifest, recipe) ? { dir, made: false, images: manifest!.images, seconds: 0 } : undefined;
  };
  // checked again under the lock: another process may have made it while we waited
  return upToDate() ?? withLock(`${dir}.lock`, async () => upToDate() ?? makeSynthetic(recipeName, recipe, dataRoot, opts));
}

/**
 * (Re)makes the dataset: rendered under a temporary name, swapped into place only when complete. Takes no
 * lock; callers that may race use ensureSynthetic.
 */
export async function makeSynthetic(recipeName: string, recipe: SyntheticRecipe, dataRoot: string, opts: MakeOptions = {}): Promise<MakeResult> {
  const started = performance.now();
  const dir = resolve(dataRoot, recipe.location);
  const plans = planSplits(recipe);
  const total = plans.reduce((s, p) => s + p.jobs.length, 0);
  const progress = startProgress(`making ${recipeName}`, total, opts.progress ?? 'auto');
  const checksums: Record<string, string> = {};
  await writeDirAtomic(dir, async (tmp) => {
    const renderer = createRenderer(total, opts.threads);
    try {
      let done = 0;
      for (const plan of plans) {
        const splitDir = join(tmp, plan.folder);
        const rendered = await renderAll(renderer, recipe, splitDir, plan, (n) => progress.update((done += n)));
        for (const file of plan.writeFiles(splitDir, rendered)) {
          checksums[`${plan.folder}/${file}`] = `sha256:${createHash('sha256').update(readFileSync(join(splitDir, file))).digest('hex')}`;
        }
      }
    } finally {
      await renderer.close();
      progress.stop();
    }
    const manifest: SyntheticManifest = {
      generator: 'synthetic-faces',
      version: SYNTHETIC_GENERATOR_VERSION,
      recipeName,
      recipe,
      splits: Object.fromEntries(plans.map((p) => [p.folder, { identities: p.identities, counts: p.counts }])),
      checksums,
      images: total,
      seconds: (performance.now() - started) / 1000,
      createdAt: new Date().toISOString(),
    };
    writeJsonAtomic(join(tmp, MANIFEST_FILE), manifest);
  });
  return { dir, made: true, images: total, seconds: (performance.now() - started) / 1000 };
}

const BATCH = 64;
/** Below this many images a worker pool costs more to start than it saves. */
const POOL_THRESHOLD = 2000;

interface Renderer {
  run(batch: RenderBatch): Promise<RenderedImage[]>;
  close(): Promise<void>;
}

function createRenderer(images: number, threads = availableParallelism()): Renderer {
  if (images < POOL_THRESHOLD || threads <= 1) return { run: renderBatch, close: async () => {} };
  // the worker is loaded by file name, so name the source file itself (.ts under tsx, .js if ever compiled)
  const workerFile = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const pool = new Piscina({ filename: workerFile.href, maxThreads: threads, minThreads: threads, execArgv: tsWorkerExecArgv() });
  return { run: (batch) => pool.run(batch) as Promise<RenderedImage[]>, close: () => pool.destroy() };
}

async function renderAll(renderer: Renderer, recipe: SyntheticRecipe, splitDir: string, plan: SplitPlan, advance: (n: number) => void): Promise<RenderedImage[]> {
  const batches: Promise<RenderedImage[]>[] = [];
  for (let start = 0; start < plan.jobs.length; start += BATCH) {
    const jobs = plan.jobs.slice(start, start + BATCH);
    batches.push(
      renderer.run({ faces: recipe.faces, root: splitDir, jobs }).then((r) => {
        advance(jobs.length);
        return r;
      }),
    );
  }
  return (await Promise.all(batches)).flat();
}

/** A lock older than this is taken to belong to a process that died mid-way. */
const STALE_LOCK_MS = 30 * 60 * 1000;
/** How long to wait for another process's generation: by then its lock is stale, so waiting longer is a fault. */
const LOCK_WAIT_MS = STALE_LOCK_MS + 60 * 1000;

async function withLock<T>(lockDir: string, body: () => Promise<T>): Promise<T> {
  makeDir(dirname(lockDir), 'data root');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(e, lockDir, 'generation lock');
      if (Date.now() > deadline) {
        throw new UserError(`${lockDir}: another process has held this generation lock for over ${LOCK_WAIT_MS / 60000} minutes; if none is generating, remove the folder and run again`);
      }
      if (lockIsStale(lockDir)) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  writeFileSync(join(lockDir, 'pid'), String(process.pid));
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockIsStale(lockDir: string): boolean {
  try {
    if (Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS) return true;
    const pidFile = join(lockDir, 'pid');
    if (!existsSync(pidFile)) return false;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
