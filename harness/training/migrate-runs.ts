import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findBackbonePlugin } from '../plugins/backbones/registry.js';
import { findLossPlugin } from '../plugins/losses/registry.js';
import type { RunConfig } from '../run-store/run-definition.js';
import { FileRunStore, runAt, type RunHandle } from '../run-store/run-store.js';
import { defineRun } from './define-run.js';

/** What happened to one run folder. */
export interface Migration {
  from: string;
  /** The new folder (the same when only config.json changed, or nothing did). */
  to: string;
  state: 'rekeyed' | 'current' | 'skipped';
  reason?: string;
}

/**
 * Re-keys run folders made before runs were keyed by their resolved definition (then `--param m=0.3` stored the
 * string "0.3" and defaults were left out, so one run could have two keys). Each folder's definition is resolved
 * against its plugins as `defineRun` does today; config.json gets the new definition and key, and a folder named
 * `<loss>-<old key>` is renamed to `<loss>-<new key>`. A folder the new key already names is left alone (the
 * same run exists twice; the user decides which to keep). Idempotent: a second pass finds everything current.
 */
export async function migrateRuns(folder: string): Promise<Migration[]> {
  const handles = existsSync(join(folder, 'config.json')) ? [runAt(folder)] : new FileRunStore(folder).list();
  const out: Migration[] = [];
  for (const run of handles) out.push(await migrateRun(run));
  return out;
}

async function migrateRun(run: RunHandle): Promise<Migration> {
  const config = run.readConfig<RunConfig>();
  const old = config.definition;
  const builtin = (source: string, dir: string) => source.includes(dir);
  let loss;
  let backbone;
  try {
    [loss, backbone] = await Promise.all([
      findLossPlugin(builtin(config.sources.loss, '/plugins/losses/') ? old.loss.name : config.sources.loss),
      findBackbonePlugin(builtin(config.sources.backbone, '/plugins/backbones/') ? old.backbone.name : config.sources.backbone),
    ]);
  } catch (e) {
    return { from: run.dir, to: run.dir, state: 'skipped', reason: `its plugins cannot be loaded: ${(e as Error).message}` };
  }
  const { id, definition } = defineRun({
    loss,
    lossParams: old.loss.params,
    backbone,
    backboneParams: old.backbone.params,
    dataset: old.dataset,
    holdout: old.holdout,
    train: old.train,
  });
  const key = id.slice(loss.plugin.name.length + 1);
  if (config.key === key) return { from: run.dir, to: run.dir, state: 'current' };
  const renamed = basename(run.dir) === `${old.loss.name}-${config.key}` ? join(dirname(run.dir), id) : run.dir;
  if (renamed !== run.dir && existsSync(renamed)) {
    return { from: run.dir, to: run.dir, state: 'skipped', reason: `${renamed} already exists (the same run was trained again under the new key)` };
  }
  run.writeConfig({ ...config, key, definition });
  if (renamed !== run.dir) renameSync(run.dir, renamed);
  return { from: run.dir, to: renamed, state: 'rekeyed' };
}
