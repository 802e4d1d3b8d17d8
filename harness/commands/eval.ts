import type { Command } from 'commander';
import { registerLfw } from './eval-lfw.js';
import { registerMegaface } from './eval-megaface.js';
import { registerIjbc } from './eval-ijbc.js';

/** `flb eval <protocol>`: feature sets in, the numbers papers report out (see protocols/). */
export function register(program: Command): void {
  const evalCommand = program.command('eval').description('evaluate feature sets on a face-recognition protocol (lfw, megaface, ijbc)');
  registerLfw(evalCommand);
  registerMegaface(evalCommand);
  registerIjbc(evalCommand);
}
