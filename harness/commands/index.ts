import type { Command } from 'commander';
import { register as plugins } from './plugins.js';
import { register as evalProtocols } from './eval.js';
import { register as datasets } from './datasets.js';
//TMP import { register as train } from './train.js';

/** Each command module adds its sub-command(s) to the program. Add a new command by adding its module here. */
export type CommandModule = (program: Command) => void;

export const commandModules: CommandModule[] = [plugins, evalProtocols, datasets];
