import test from 'ava';
import { cruise, type ICruiseOptions, type IReporterOutput } from 'dependency-cruiser';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The layering of README's "Architecture" section, kept by dependency-cruiser with the rules in
 * .dependency-cruiser.cjs: no import from a lower layer to a higher one, no cycles (type-only imports included),
 * reports only through the run store, workspace packages never importing the harness.
 */
const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden']; options: ICruiseOptions };

async function violations(baseDir: string, roots: string[]): Promise<Array<{ rule: string; from: string; to: string }>> {
  const options: ICruiseOptions = {
    ...config.options,
    baseDir,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    tsConfig: { fileName: join(process.cwd(), 'tsconfig.json') },
  };
  const result = (await cruise(roots, options)) as IReporterOutput;
  const output = result.output as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

test('the code base keeps its layers: no cycle, no upward import', async (t) => {
  const found = await violations(process.cwd(), ['harness', 'protocols', 'reports', 'plugins', 'packages']);
  t.deepEqual(found, [], found.map((v) => `${v.rule}: ${v.from} → ${v.to}`).join('\n'));
});

test('the rules catch a deliberate violation: an upward import, a type-only cycle, reports reaching into training', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flb-layers-'));
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  file('harness/core/errors.ts', "import { main } from '../cli/main.js';\nexport const e = main;\n");
  file('harness/cli/main.ts', 'export const main = 1;\n');
  file('harness/sweep/a.ts', "import type { B } from './b.js';\nexport interface A { b?: B }\n");
  file('harness/sweep/b.ts', "import type { A } from './a.js';\nexport interface B { a?: A }\n");
  file('reports/table.ts', "import { trainer } from '../harness/training/trainer.js';\nexport const t = trainer;\n");
  file('harness/training/trainer.ts', 'export const trainer = 1;\n');
  const found = await violations(dir, ['harness', 'reports']);
  const names = new Set(found.map((v) => `${v.rule} ${v.from} → ${v.to}`));
  t.true(names.has('layer-core harness/core/errors.ts → harness/cli/main.ts'), [...names].join('\n'));
  t.true([...names].some((n) => n.startsWith('no-circular harness/sweep/')), [...names].join('\n'));
  t.true(names.has('reports-read-through-run-store reports/table.ts → harness/training/trainer.ts'), [...names].join('\n'));
});
