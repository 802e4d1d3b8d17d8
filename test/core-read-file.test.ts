import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { parseJsonText, readJsonFile, readTextFile } from '../harness/core/read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-read-file-'));

test('a JSON syntax error names the file, line and column of the first bad character', (t) => {
  // Line 3 is `  "b": }`: the value is missing where the brace stands, column 8.
  t.throws(() => parseJsonText('{\n  "a": 1,\n  "b": }\n', 'x.json', 'sweep config'), {
    instanceOf: UserError,
    message: 'x.json:3:8: not valid JSON (value expected); expected the sweep config',
  });
  // A trailing comma: the closing bracket at line 1, column 6 is where a value was expected.
  t.throws(() => parseJsonText('[1,2,]', 'y.json', 'list'), { message: /^y\.json:1:6: not valid JSON/ });
  // Cut short: the error is at the end of the text.
  t.throws(() => parseJsonText('{"a": [1,\n2', 'z.json', 'list'), { message: /^z\.json:2:2: not valid JSON/ });
  t.deepEqual(parseJsonText('{"a": [1, 2]}', 'ok.json', 'list'), { a: [1, 2] });
});

test('missing files and directories are named with what they should have been', (t) => {
  t.throws(() => readTextFile(join(dir, 'absent.txt'), 'LFW pairs file'), { instanceOf: UserError, message: /^LFW pairs file not found: .*absent\.txt$/ });
  mkdirSync(join(dir, 'folder'));
  t.throws(() => readJsonFile(join(dir, 'folder'), 'sweep config'), { instanceOf: UserError, message: /folder: is a directory; expected the sweep config$/ });
  writeFileSync(join(dir, 'good.json'), '{"k": true}');
  t.deepEqual(readJsonFile(join(dir, 'good.json'), 'thing'), { k: true });
});
