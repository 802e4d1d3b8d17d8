import type { Command } from 'commander';
import { register as plugins } from './plugins.js';
import { register as evalProtocols } from './eval.js';
import { register as train } from './train.js';
import { register as embed } from './embed.js';
import { register as datasets } from './datasets.js';
import { register as sweep } from './sweep.js';
import { register as report } from './report.js';
import { register as align } from './align.js';
import { register as runs } from './runs.js';
import { register as worker } from './worker.js';
import { register as queue } from './queue.js';

/** Each command module adds its sub-command(s) to the program. Add a new command by adding its module here. */
export type CommandModule = (program: Command) => void;

export const commandModules: CommandModule[] = [train, embed, plugins, evalProtocols, datasets, sweep, worker, queue, report, align, runs];
