import test from 'ava';
import { UserError } from '../harness/core/errors.js';
import { etaSeconds, formatEta } from '../harness/core/progress.js';
import { nearestName } from '../harness/core/suggest.js';
import { parseRegistry } from '../harness/data/registry/schema.js';
import { pluginListText } from '../harness/cli/commands/plugins-run.js';

test('the nearest known name is suggested for a slip, and nothing for another word', (t) => {
  const keys = ['name', 'role', 'format', 'location', 'files', 'input', 'expected', 'checksums', 'hint'];
  // 'lcoation': two letters swapped = 2 edits, within the limit of 2 for 8 characters.
  t.is(nearestName('lcoation', keys), 'location');
  // 'fromat' → 'format' (2 edits), 'hnit' → 'hint' (2 edits, 4 characters: limit 2).
  t.is(nearestName('fromat', keys), 'format');
  t.is(nearestName('hnit', keys), 'hint');
  // 'size' is 4 edits from every key here; 'xy' (2 characters, limit 1) is 2+ edits from all.
  t.is(nearestName('size', keys), undefined);
  t.is(nearestName('xy', keys), undefined);
});

const lfwEntry = { name: 'faces', role: 'lfw', format: 'lfw-pairs', location: 'faces', files: { images: 'imgs', pairs: 'pairs.txt' }, hint: 'h' };

test('an unknown key in datasets.json is refused with the nearest known key, before it can read as a missing one', (t) => {
  const { location, ...withoutLocation } = lfwEntry;
  // Misspelt "location": without the unknown-key check this reads "location: expected a folder…" (as if missing).
  t.throws(() => parseRegistry({ datasets: [{ ...withoutLocation, lcoation: location }] }, 'datasets.json'), {
    instanceOf: UserError,
    message: /^datasets\.json: datasets\[0\] \("faces"\)\.lcoation: unknown key; did you mean "location"\? \(known: name, role, format, description, location, /,
  });
  t.throws(() => parseRegistry({ datsets: [] }, 'datasets.json'), { message: /^datasets\.json: datsets: unknown key; did you mean "datasets"\?/ });
  t.throws(() => parseRegistry({ datasets: [{ ...lfwEntry, role: 'train', format: 'image-folder', files: { images: 'i' }, input: { size: 32, chanels: 1 } }] }, 'd.json'), {
    message: /\("faces"\)\.input\.chanels: unknown key; did you mean "channels"\?/,
  });
  t.notThrows(() => parseRegistry({ $comment: 'ok', datasets: [{ $comment: 'ok', ...lfwEntry }] }, 'datasets.json'));
});

test('the ETA comes from the rate since the first update, and is left out until there is one', (t) => {
  // First update: nothing done yet since it, so no rate: no "ETA NFs", no "ETA ?".
  t.is(etaSeconds({ done: 0, at: 1000 }, 0, 100, 1000), null);
  t.is(formatEta(null), '');
  // 10 steps in 5 s since the first update = 0.5 s a step; 90 steps left → 45 s.
  t.is(etaSeconds({ done: 0, at: 1000 }, 10, 100, 6000), 45);
  // A resumed run starting at 40: 20 steps in 10 s → 0.5 s a step, 40 left → 20 s.
  t.is(etaSeconds({ done: 40, at: 0 }, 60, 100, 10_000), 20);
  t.is(formatEta(45), 'ETA 45s');
  t.is(formatEta(125), 'ETA 2m05s');
  t.is(formatEta(3 * 3600 + 7 * 60), 'ETA 3h07m');
});

test('plugins list writes a backbone parameter as the flag train takes: --backbone-param', (t) => {
  const text = pluginListText({
    losses: [{ name: 'cosface', title: 'CosFace', summary: '', source: 'built-in', params: { m: { default: 0.35, min: 0, max: 1, doc: 'margin' } } }],
    backbones: [{ name: 'mlp', title: 'MLP', summary: '', source: 'built-in', params: { hidden: { default: 256, min: 1, doc: 'width' } } }],
  });
  t.is(
    text,
    ['Losses:', '  cosface          CosFace', '      --param m=0.35 [0, 1]  margin', 'Backbones:', '  mlp              MLP', '      --backbone-param hidden=256 [1, ∞]  width', ''].join('\n'),
  );
});
