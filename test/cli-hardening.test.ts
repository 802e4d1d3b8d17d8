import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'flb-cli-hardening-'));

async function timed(args: string[], opts: { cwd?: string } = {}) {
  const started = Date.now();
  const r = await runCli(args, opts);
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

test('an --out that cannot be a folder fails at once with exit 2, naming it and why (it used to hang under /proc)', async (t) => {
  const file = join(work, 'README.md');
  writeFileSync(file, 'a file');
  const [proc, existing] = await Promise.all([
    timed(['train', '--loss', 'arcface', '--out', `/proc/flb-${process.pid}`]),
    timed(['train', '--loss', 'arcface', '--out', file]),
  ]);
  t.is(proc.code, 2, proc.stderr);
  t.is(proc.stderr, `flb: /proc/flb-${process.pid}: cannot create the output folder (--out): the file system does not allow creating it here\n`);
  t.is(existing.code, 2, existing.stderr);
  t.is(existing.stderr, `flb: ${file}: cannot create the output folder (--out): it is a file, not a folder\n`);
  // It used to spin for 9+ minutes. About 1 s on a quiet machine (README): the check comes before tfjs and the
  // plugins are loaded. The bound here leaves room for a test machine shared by several suites.
  t.true(proc.seconds < 30 && existing.seconds < 30, `${proc.seconds} s, ${existing.seconds} s`);
});

test('a bad flag or command prints at most 3 lines, ending with where to read more', async (t) => {
  const [flag, command, value] = await Promise.all([
    runCli(['train', '--lossy', 'arcface']),
    runCli(['trian']),
    runCli(['datasets', 'make', 'synth-tiny', '--threads', 'many']),
  ]);
  for (const [r, help] of [[flag, 'flb train'], [command, 'flb'], [value, 'flb datasets make']] as const) {
    t.is(r.code, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    t.true(lines.length <= 3, r.stderr);
    t.is(lines.at(-1), `see \`${help} --help\``);
  }
  t.regex(flag.stderr, /^error: unknown option '--lossy'/);
  t.regex(command.stderr, /^error: unknown command 'trian'\n\(Did you mean train\?\)/);
  t.regex(value.stderr, /^error: option '--threads <n>' argument 'many' is invalid/);
});

function tsc(project: string): Promise<{ code: number; output: string }> {
  const bin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '-p', project], { cwd: project }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

test('flb plugins new writes a plugin that tsc type-checks outside the repo, against this installation', async (t) => {
  const dir = join(work, 'elsewhere', 'my-loss');
  const made = await runCli(['plugins', 'new', 'my-margin', '--dir', dir, '--json']);
  t.is(made.code, 0, made.stderr);
  const files = JSON.parse(made.stdout) as { plugin: string; tsconfig: string };
  t.deepEqual(files, { plugin: join(dir, 'my-margin.ts'), tsconfig: join(dir, 'tsconfig.json') });
  const source = readFileSync(files.plugin, 'utf8');
  t.regex(source, /name: 'my-margin',\n {2}title: 'My margin',/);
  t.regex(source, /targetLogit: \(cos\) => arcMargin\(cos, m\)/, "ArcFace's body, copied");
  t.false(dir.startsWith(REPO_ROOT));
  const clean = await tsc(dir);
  t.is(clean.code, 0, clean.output);
  // The check is real: a wrong type in the plugin is reported against the kit's own types.
  writeFileSync(files.plugin, source.replace('scale: s,', "scale: 'sixty-four',"));
  const broken = await tsc(dir);
  t.not(broken.code, 0);
  t.regex(broken.output, /my-margin\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable/);
  // An existing plugin is not overwritten without --force.
  const again = await runCli(['plugins', 'new', 'my-margin', '--dir', dir]);
  t.is(again.code, 2);
  t.regex(again.stderr, /already exist; pass --force/);
});
