/**
 * Errors a user can cause (bad flag, missing file, malformed line, wrong dimension, NaN). The CLI prints
 * only the message (no stack unless --debug) and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/**
 * Exit codes the CLI uses, so scripts and sweeps can tell outcomes apart (README's table): 2 a bad flag, config
 * or input file; 4 a check that found problems: a plugin check, a dataset check, a dataset missing or with images
 * that cannot be decoded.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  diverged: 3,
  checkFailed: 4,
  interrupted: 130,
} as const;

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
