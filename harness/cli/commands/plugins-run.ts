import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { loadBackbonePlugins } from '../../plugins/backbones/registry.js';
import { initEngine, type BackendChoice } from '../../engine/backend-choice.js';
import { ExitCode } from '../../core/errors.js';
import type { ParamSpecs } from '../../plugins/losses/contract.js';
import { findLossPlugin, loadLossPlugins } from '../../plugins/losses/registry.js';
import { checkLossPlugin } from '../../plugins/losses/conformance.js';
import { parseParamFlags } from '../../plugins/params.js';
import { probeLoss, validateProbeInput } from '../../plugins/losses/probe.js';
import { writeStarterPlugin } from '../../plugins/losses/starter.js';
import { parseJsonText, readTextFile } from '../../core/read-file.js';

export interface ListFlags {
  plugin: string[];
  json?: boolean;
}

export interface CheckFlags {
  param: string[];
  plugin: string[];
  backend: BackendChoice;
  json?: boolean;
}

export interface ProbeFlags {
  input: string;
  param: string[];
  plugin: string[];
  backend: BackendChoice;
}

export interface NewFlags {
  dir: string;
  force?: boolean;
  json?: boolean;
}

export async function listPlugins(opts: ListFlags): Promise<void> {
  const [losses, backbones] = await Promise.all([loadLossPlugins(opts.plugin), loadBackbonePlugins()]);
  const describe = (p: { name: string; title: string; summary?: string; params: ParamSpecs }, source: string, builtin: boolean): ListedPlugin => ({
    name: p.name,
    title: p.title,
    summary: p.summary ?? '',
    source: builtin ? 'built-in' : source,
    params: p.params,
  });
  const out = {
    losses: [...losses.values()].map((e) => describe(e.plugin, e.source, e.builtin)),
    backbones: [...backbones.values()].map((e) => describe(e.plugin, e.source, e.builtin)),
  };
  process.stdout.write(opts.json ? `${JSON.stringify(out, null, 2)}\n` : pluginListText(out));
}

interface ListedPlugin {
  name: string;
  title: string;
  summary: string;
  source: string;
  params: ParamSpecs;
}

/** `plugins list` as text: each parameter written as the flag that sets it in `flb train`. */
export function pluginListText(out: { losses: ListedPlugin[]; backbones: ListedPlugin[] }): string {
  const lines: string[] = [];
  for (const [heading, list, flag] of [['Losses', out.losses, '--param'], ['Backbones', out.backbones, '--backbone-param']] as const) {
    lines.push(`${heading}:`);
    for (const p of list) {
      lines.push(`  ${p.name.padEnd(16)} ${p.title}${p.summary ? ` — ${p.summary}` : ''}${p.source === 'built-in' ? '' : `  [${p.source}]`}`);
      for (const [k, spec] of Object.entries(p.params)) {
        const range = spec.min !== undefined || spec.max !== undefined ? ` [${spec.min ?? '−∞'}, ${spec.max ?? '∞'}]` : '';
        const def = spec.default === null ? 'derived' : String(spec.default);
        lines.push(`      ${flag} ${k}=${def}${range}  ${spec.doc}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

export async function checkPlugin(nameOrFile: string, opts: CheckFlags): Promise<void> {
  const entry = await findLossPlugin(nameOrFile, opts.plugin);
  await initEngine(opts.backend);
  const results = checkLossPlugin(entry.plugin, parseParamFlags(opts.param));
  const failed = results.filter((r) => !r.ok).length;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ plugin: entry.plugin.name, passed: results.length - failed, failed, results })}\n`);
  } else {
    for (const r of results) process.stdout.write(`${r.ok ? 'pass' : 'FAIL'}  ${r.name}: ${r.detail}\n`);
    process.stdout.write(`${entry.plugin.name}: ${results.length - failed} passed, ${failed} failed\n`);
  }
  if (failed) process.exitCode = ExitCode.checkFailed;
}

export async function probePlugin(nameOrFile: string, opts: ProbeFlags): Promise<void> {
  const entry = await findLossPlugin(nameOrFile, opts.plugin);
  const source = opts.input === '-' ? 'stdin' : opts.input;
  const text = opts.input === '-' ? readFileSync(0, 'utf8') : readTextFile(opts.input, 'probe input (--input)');
  const json = parseJsonText(text, source, 'probe input: {"embeddings", "labels", "weights"}');
  const input = validateProbeInput(json, source);
  await initEngine(opts.backend);
  process.stdout.write(`${JSON.stringify(probeLoss(entry.plugin, parseParamFlags(opts.param), input))}\n`);
}

export function newPlugin(name: string, opts: NewFlags): void {
  const files = writeStarterPlugin(name, opts.dir, opts.force);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(files)}\n`);
    return;
  }
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  process.stdout.write(
    [
      `wrote ${rel(files.plugin)} and ${rel(files.tsconfig)}`,
      `  type-check:  npx tsc -p ${rel(files.tsconfig)}   (run from this installation, or any tsc ≥ 5)`,
      `  conformance: flb plugins check ${rel(files.plugin)}`,
      `  train:       flb train --plugin ${rel(files.plugin)} --loss ${name} --dataset synth-tiny --steps 200`,
      '',
    ].join('\n'),
  );
}
