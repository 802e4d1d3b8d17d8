import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadBackbonePlugins } from '../../plugins/backbones/registry.js';
import { backendOption, collect } from '../options.js';
import { initEngine, type BackendChoice } from '../../engine/backend-choice.js';
import { ExitCode } from '../../core/errors.js';
import type { ParamSpecs } from '../../plugins/losses/contract.js';
import { findLossPlugin, loadLossPlugins } from '../../plugins/losses/registry.js';
import { checkLossPlugin } from '../../plugins/losses/conformance.js';
import { parseParamFlags } from '../../plugins/params.js';
import { probeLoss, validateProbeInput } from '../../plugins/losses/probe.js';
import { parseJsonText, readTextFile } from '../../core/read-file.js';

export function register(program: Command): void {
  const plugins = program.command('plugins').description('list, check and probe loss plugins');

  plugins
    .command('list')
    .description('every loss and backbone plugin found, with its parameters')
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--json', 'print JSON')
    .action(async (opts: { plugin: string[]; json?: boolean }) => {
      const [losses, backbones] = await Promise.all([loadLossPlugins(opts.plugin), loadBackbonePlugins()]);
      const describe = (p: { name: string; title: string; summary?: string; params: ParamSpecs }, source: string, builtin: boolean) => ({
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
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      // Each parameter as the flag that sets it in `flb train`.
      for (const [heading, list, flag] of [['Losses', out.losses, '--param'], ['Backbones', out.backbones, '--backbone-param']] as const) {
        process.stdout.write(`${heading}:\n`);
        for (const p of list) {
          process.stdout.write(`  ${p.name.padEnd(16)} ${p.title}${p.summary ? ` — ${p.summary}` : ''}${p.source === 'built-in' ? '' : `  [${p.source}]`}\n`);
          for (const [k, spec] of Object.entries(p.params)) {
            const range = spec.min !== undefined || spec.max !== undefined ? ` [${spec.min ?? '−∞'}, ${spec.max ?? '∞'}]` : '';
            const def = spec.default === null ? 'derived' : String(spec.default);
            process.stdout.write(`      ${flag} ${k}=${def}${range}  ${spec.doc}\n`);
          }
        }
      }
    });

  plugins
    .command('check <nameOrFile>')
    .description('run the conformance suite on a loss plugin: one pass/fail line per check')
    .option('--param <k=v>', 'loss parameter, repeatable', collect, [])
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--backend <name>', 'tfjs backend', backendOption, 'cpu')
    .option('--json', 'print JSON')
    .action(async (nameOrFile: string, opts: { param: string[]; plugin: string[]; backend: BackendChoice; json?: boolean }) => {
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
    });

  plugins
    .command('probe <nameOrFile>')
    .description('one forward and backward pass on a given batch, printed as JSON (compare with any reference)')
    .requiredOption('--input <file>', 'batch JSON: {embeddings N×D, labels [N], weights D×C, step?, training?, state?}; - for stdin')
    .option('--param <k=v>', 'loss parameter, repeatable', collect, [])
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--backend <name>', 'tfjs backend', backendOption, 'cpu')
    .action(async (nameOrFile: string, opts: { input: string; param: string[]; plugin: string[]; backend: BackendChoice }) => {
      const entry = await findLossPlugin(nameOrFile, opts.plugin);
      const source = opts.input === '-' ? 'stdin' : opts.input;
      const text = opts.input === '-' ? readFileSync(0, 'utf8') : readTextFile(opts.input, 'probe input (--input)');
      const json = parseJsonText(text, source, 'probe input: {"embeddings", "labels", "weights"}');
      const input = validateProbeInput(json, source);
      await initEngine(opts.backend);
      process.stdout.write(`${JSON.stringify(probeLoss(entry.plugin, parseParamFlags(opts.param), input))}\n`);
    });
}
