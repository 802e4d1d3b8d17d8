import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readJsonFile } from '../core/read-file.js';

/**
 * The MegaFace Challenge 1 devkit's template lists (devkit/templatelists):
 * - facescrub_features_list.json: {"path": [...], "id": [...]} — probe images and their identity names;
 * - megaface_features_list.json_{size}_{set}: {"path": [...]} — the distractor images of one gallery size
 *   (10, 100, ..., 1000000) and random set.
 * Paths are relative to the dataset root (FaceScrub: Name/Name_123.png; MegaFace: 123/12345678@N00/x.jpg).
 */

export interface FacescrubList {
  paths: string[];
  /** Identity of each probe image, parallel to `paths`. */
  ids: string[];
}

export interface MegafaceListFile {
  size: number;
  set: number;
  path: string;
}

export const FACESCRUB_LIST_NAME = 'facescrub_features_list.json';

export function megafaceListName(size: number, set = 1): string {
  return `megaface_features_list.json_${size}_${set}`;
}

/** Gallery size and set number from a distractor list's file name, or undefined if it is not one. */
export function parseMegafaceListName(name: string): { size: number; set: number } | undefined {
  const m = /^megaface_features_list\.json_(\d+)_(\d+)$/.exec(name);
  return m ? { size: Number(m[1]), set: Number(m[2]) } : undefined;
}

function readJson(path: string, what: string): Record<string, unknown> {
  const value = readJsonFile(path, `devkit's ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${path}: expected a JSON object with a "path" list (the devkit's ${what})`);
  }
  return value as Record<string, unknown>;
}

function stringList(path: string, doc: Record<string, unknown>, key: string): string[] {
  const list = doc[key];
  if (!Array.isArray(list)) throw new UserError(`${path}: missing "${key}" list`);
  const bad = list.findIndex((x) => typeof x !== 'string' || x === '');
  if (bad >= 0) throw new UserError(`${path}: "${key}"[${bad}] is ${JSON.stringify(list[bad])}; expected a non-empty string`);
  return list as string[];
}

export function readFacescrubList(path: string): FacescrubList {
  const doc = readJson(path, 'FaceScrub probe list');
  const paths = stringList(path, doc, 'path');
  const ids = stringList(path, doc, 'id');
  if (paths.length !== ids.length) throw new UserError(`${path}: "path" has ${paths.length} entries but "id" has ${ids.length}; expected one id per path`);
  return { paths, ids };
}

export function writeFacescrubList(path: string, list: FacescrubList): void {
  if (list.paths.length !== list.ids.length) throw new Error(`writeFacescrubList: ${list.paths.length} paths but ${list.ids.length} ids`);
  writeFileAtomic(path, JSON.stringify({ path: list.paths, id: list.ids }));
}

export function readMegafaceList(path: string): string[] {
  return stringList(path, readJson(path, 'MegaFace distractor list'), 'path');
}

export function writeMegafaceList(path: string, paths: readonly string[]): void {
  writeFileAtomic(path, JSON.stringify({ path: paths }));
}

/** The distractor lists present in a templatelists folder, by gallery size then set. */
export function findMegafaceLists(dir: string): MegafaceListFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`MegaFace templatelists folder not found: ${dir}`);
    throw e;
  }
  return names
    .flatMap((name) => {
      const parsed = parseMegafaceListName(name);
      return parsed ? [{ ...parsed, path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.size - b.size || a.set - b.set);
}
