import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findMegafaceLists,
  megafaceListName,
  readFacescrubList,
  readMegafaceList,
  writeFacescrubList,
  writeMegafaceList,
} from '../harness/formats/megaface-lists.js';
import { UserError } from '../harness/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-megaface-'));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('reads the devkit lists as they ship', (t) => {
  const fs = write('facescrub_features_list.json', '{"path": ["Adam_Brody/Adam_Brody_277.png", "Adam_Brody/Adam_Brody_313.png", "Zoe/Zoe_1.png"], "id": ["Adam_Brody", "Adam_Brody", "Zoe"]}');
  t.deepEqual(readFacescrubList(fs), {
    paths: ['Adam_Brody/Adam_Brody_277.png', 'Adam_Brody/Adam_Brody_313.png', 'Zoe/Zoe_1.png'],
    ids: ['Adam_Brody', 'Adam_Brody', 'Zoe'],
  });
  const mf = write('megaface_features_list.json_10_1', '{"path": ["123/12345678@N00/1.jpg", "456/1@N01/2.jpg"]}');
  t.deepEqual(readMegafaceList(mf), ['123/12345678@N00/1.jpg', '456/1@N01/2.jpg']);
});

test('writers round trip and name files as the devkit does; lists are found by size', (t) => {
  const sub = join(dir, 'templatelists');
  mkdirSync(sub);
  writeFacescrubList(join(sub, 'facescrub_features_list.json'), { paths: ['a/a_1.png'], ids: ['a'] });
  t.deepEqual(JSON.parse(readFileSync(join(sub, 'facescrub_features_list.json'), 'utf8')), { path: ['a/a_1.png'], id: ['a'] });
  for (const size of [1000, 10, 100]) writeMegafaceList(join(sub, megafaceListName(size)), Array.from({ length: size }, (_, i) => `d/${i}.jpg`));
  writeMegafaceList(join(sub, megafaceListName(10, 2)), ['x.jpg']);
  t.is(megafaceListName(1000000, 1), 'megaface_features_list.json_1000000_1');
  const found = findMegafaceLists(sub);
  t.deepEqual(found.map((f) => [f.size, f.set]), [[10, 1], [10, 2], [100, 1], [1000, 1]]);
  t.is(readMegafaceList(found[3].path).length, 1000);
});

test('malformed JSON, a missing list, a bad entry and a length mismatch are clear errors', (t) => {
  const broken = write('broken.json', '{"path": ["a.png",\n "b.png"\n');
  t.throws(() => readMegafaceList(broken), { instanceOf: UserError, message: /broken\.json:\d+:\d+: not valid JSON/ });
  const noPath = write('nopath.json', '{"paths": []}');
  t.throws(() => readMegafaceList(noPath), { instanceOf: UserError, message: /nopath\.json: missing "path" list/ });
  const bad = write('bad.json', '{"path": ["a.png", 3]}');
  t.throws(() => readMegafaceList(bad), { instanceOf: UserError, message: /bad\.json: "path"\[1\] is 3/ });
  const mismatch = write('mismatch.json', '{"path": ["a.png", "b.png"], "id": ["a"]}');
  t.throws(() => readFacescrubList(mismatch), { instanceOf: UserError, message: /mismatch\.json: "path" has 2 entries but "id" has 1/ });
  t.throws(() => readFacescrubList(join(dir, 'absent.json')), { instanceOf: UserError, message: /FaceScrub probe list not found/ });
});
