import type { Command } from 'commander';

/** Each command module adds its sub-command(s) to the program. Add a new command by adding its module here. */
export type CommandModule = (program: Command) => void;

export const commandModules: CommandModule[] = [];
