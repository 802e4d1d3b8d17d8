import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { UserError } from '../../core/errors.js';
import { makeDir } from '../../core/output-path.js';
import { readJsonFile } from '../../core/read-file.js';
import { PACKAGE_ROOT } from '../resolution.js';
import { BUILTIN_LOSS_DIR } from './registry.js';

/**
 * `flb plugins new NAME`: a loss plugin to start from, anywhere on disk, that type-checks there. The plugin is
 * ArcFace's file with its name and title changed (ArcFace shows every part a margin loss has); the tsconfig beside
 * it maps `facelossbench/*` (this package's exports) and `@tensorflow/tfjs` to this installation, which is where
 * `flb` resolves them at run time too, so `tsc -p DIR` checks the plugin against the code it will run with.
 */
export interface StarterFiles {
  plugin: string;
  tsconfig: string;
}

const TEMPLATE = 'arcface.ts';

/** 'my-margin' → 'My margin'. */
function titleOf(name: string): string {
  const words = name.split('-').filter(Boolean);
  return words.map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}

function pluginSource(name: string): string {
  const template = readFileSync(join(BUILTIN_LOSS_DIR, TEMPLATE), 'utf8');
  const renamed = template.replace(/^(\s*name:\s*)'[^']*'/m, `$1'${name}'`).replace(/^(\s*title:\s*)'[^']*'/m, `$1'${titleOf(name)}'`);
  if (renamed === template) throw new Error(`${TEMPLATE} no longer has the name and title lines the starter rewrites`);
  const header = [
    `// ${name}: started from facelossbench's ${TEMPLATE}. Change targetLogit (how the target logit moves) and the`,
    `// parameters, then: flb plugins check ./${name}.ts; flb train --plugin ./${name}.ts --loss ${name} --dataset synth-tiny`,
    '',
  ].join('\n');
  return header + renamed;
}

/** `paths` for every export of this package (facelossbench/loss-kit, …) and for tfjs, all as absolute paths. */
function sharedPaths(): Record<string, string[]> {
  const pkg = readJsonFile(join(PACKAGE_ROOT, 'package.json'), 'facelossbench package.json') as { name: string; exports?: Record<string, string> };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    paths[`${pkg.name}/${subpath.replace(/^\.\//, '')}`] = [resolve(PACKAGE_ROOT, target)];
  }
  // The package folder, not its .d.ts: tsx also reads `paths` when run from this folder, and must load the package.
  paths['@tensorflow/tfjs'] = [join(PACKAGE_ROOT, 'node_modules', '@tensorflow', 'tfjs')];
  return paths;
}

function tsconfigFor(pluginFile: string): object {
  const ours = readJsonFile(join(PACKAGE_ROOT, 'tsconfig.json'), 'facelossbench tsconfig.json') as { compilerOptions: Record<string, unknown> };
  return {
    // The kit's own files are checked with these options too, so they are facelossbench's own.
    compilerOptions: {
      ...ours.compilerOptions,
      noEmit: true,
      paths: sharedPaths(),
      typeRoots: [join(PACKAGE_ROOT, 'node_modules', '@types')],
    },
    files: [pluginFile],
  };
}

/** Writes NAME.ts and tsconfig.json into `dir`; existing files are kept unless `force`. */
export function writeStarterPlugin(name: string, dir: string, force = false): StarterFiles {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UserError(`plugin name '${name}': expected a lower-case id of letters, digits and '-', like 'my-margin'`);
  const folder = resolve(dir);
  const files = { plugin: join(folder, `${name}.ts`), tsconfig: join(folder, 'tsconfig.json') };
  if (!force) {
    const present = Object.values(files).filter((f) => existsSync(f));
    if (present.length > 0) throw new UserError(`${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}; pass --force to overwrite, or choose another --dir`);
  }
  makeDir(folder, 'plugin folder (--dir)');
  writeFileAtomic(files.plugin, pluginSource(name));
  writeJsonAtomic(files.tsconfig, tsconfigFor(`${name}.ts`));
  return files;
}
