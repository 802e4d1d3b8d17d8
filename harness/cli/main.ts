import { Command, CommanderError } from 'commander';
import { ExitCode, isUserError } from '../core/errors.js';
import { commandModules } from './commands/index.js';

/**
 * `flb`: every sub-command lives in harness/commands/<name>.ts and registers itself on the program;
 * this file only wires them up and turns errors into one clear line and an exit code.
 */
const program = new Command('flb')
  .description('facelossbench: train face-recognition losses on equal terms and evaluate them on LFW, MegaFace and IJB-C')
  .option('--debug', 'print stack traces for errors')
  .exitOverride();

for (const register of commandModules) register(program);
pointToHelp(program);

/**
 * A bad flag prints commander's one-line error (two with "Did you mean …?") and where to read more, not the
 * whole help, which would scroll the error away.
 */
function pointToHelp(command: Command, path = 'flb'): void {
  command.showHelpAfterError(`see \`${path} --help\``);
  for (const sub of command.commands) pointToHelp(sub, `${path} ${sub.name()}`);
}

function debugEnabled(): boolean {
  return process.argv.includes('--debug');
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander already printed its message (or help); keep its exit code for help/version, 2 for misuse.
    process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (isUserError(e)) {
    process.stderr.write(`flb: ${e.message}\n`);
    if (debugEnabled()) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
  } else {
    const err = e as Error;
    process.stderr.write(`flb: internal error: ${err?.message ?? String(e)}\n`);
    if (debugEnabled()) process.stderr.write(`${err?.stack}\n`);
    else process.stderr.write('flb: run again with --debug for the stack trace\n');
    process.exitCode = ExitCode.failure;
  }
}
