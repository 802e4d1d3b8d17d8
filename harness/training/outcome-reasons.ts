/**
 * The reasons status.json and the end line give for a run that stopped early. They say what happened and what to
 * do; the state and step are printed beside them, so they do not repeat those.
 */

/** `step` is the 1-based step whose loss was not finite; `checkpointStep` the newest checkpoint on disk, if any. */
export function divergedReason(loss: number, step: number, checkpointStep: number | null): string {
  const kept =
    checkpointStep === null
      ? 'no checkpoint had been written yet, so nothing is kept; the same command starts it over'
      : `the last good checkpoint (step ${checkpointStep}) is kept`;
  return `loss became ${loss} at step ${step}; ${kept}`;
}

export function interruptedReason(runDir: string): string {
  return `continue with flb train --resume ${runDir}`;
}
