import type { Command } from 'commander';
import { addRunOptions, evaluateFromRun } from './eval-from-run.js';
import { registerIjb } from './eval-ijb.js';
import { registerLfw } from './eval-lfw.js';
import { registerMegaface } from './eval-megaface.js';

/**
 * `flb eval <protocol>`: feature sets in, the numbers papers report out (see protocols/README.md). Each
 * protocol also takes --run DIR --dataset NAME to embed with a trained run first; that path is injected
 * here so each protocol command only maps its flags.
 */
export function register(program: Command): void {
  const evalCommand = program.command('eval').description('evaluate feature sets on a face-recognition protocol (lfw, megaface, ijbc, ijbb)');
  addRunOptions(registerLfw(evalCommand, evaluateFromRun));
  addRunOptions(registerMegaface(evalCommand, evaluateFromRun));
  addRunOptions(registerIjb(evalCommand, 'ijbc', evaluateFromRun));
  addRunOptions(registerIjb(evalCommand, 'ijbb', evaluateFromRun));
}
