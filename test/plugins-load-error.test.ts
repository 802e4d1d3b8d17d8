import test from 'ava';
import { transformSync } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { compilerMessages } from '../harness/plugins/load-error.js';
import { importPlugin } from '../harness/plugins/loader.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-load-error-'));
const accept = (value: unknown) => value;

// Line 9 of this file is `    const x = (1 + ;`: the ';' stands where an operand was expected, at column 20
// (4 spaces, then "const x = (1 + " is 15 characters, so ';' is the 20th character).
const SYNTAX_ERROR = `import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';

export default defineLoss({
  name: 'typo',
  title: 'Typo',
  params: {},
  createHead(ctx) {
    const x = (1 + ;
    return cosineHead(ctx, { scale: tf.scalar(x) });
  },
});
`;

test('a syntax error in a plugin shows file:line:column, the line, a caret and the compiler message', async (t) => {
  for (const ext of ['ts', 'mts']) {
    const file = join(dir, `typo.${ext}`);
    writeFileSync(file, SYNTAX_ERROR);
    const error = await t.throwsAsync(importPlugin(file, false, accept), { instanceOf: UserError });
    const lines = error!.message.split('\n');
    t.is(lines[0], `${file}: could not be loaded, a syntax error:`);
    t.is(lines[1], `${file}:9:20: Unexpected ";"`);
    t.is(lines[2], '  9 |     const x = (1 + ;');
    t.is(lines[3], '    |                    ^');
  }
});

test('an error thrown while a plugin loads keeps its whole message', async (t) => {
  const file = join(dir, 'throws.ts');
  writeFileSync(file, "throw new Error('first line\\nsecond line');\n");
  await t.throwsAsync(importPlugin(file, false, accept), { instanceOf: UserError, message: `${file}: could not be loaded: first line\nsecond line` });
});

test("esbuild's own errors[] are read with their location (0-based column made 1-based)", (t) => {
  // The real compiler's error object for a missing operand at line 2: "  return 1 + ;" has ';' at index 13.
  let thrown: unknown;
  try {
    transformSync('function f() {\n  return 1 + ;\n}\n', { loader: 'ts', sourcefile: 'x.ts' });
  } catch (e) {
    thrown = e;
  }
  t.deepEqual(compilerMessages(thrown), [{ file: 'x.ts', line: 2, column: 14, text: 'Unexpected ";"', lineText: '  return 1 + ;' }]);
});
