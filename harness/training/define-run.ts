import type { LoadedBackbonePlugin } from '../plugins/backbones/registry.js';
import { resolveParams, type RawParams } from '../plugins/params.js';
import { lossParams, type LoadedLossPlugin } from '../plugins/losses/registry.js';
import type { Holdout, RunDefinition } from '../run-store/run-definition.js';
import { runId } from '../run-store/run-key.js';
import type { TrainSettings } from '../run-store/train-settings.js';

/** Everything that defines a run, as `flb train` flags or a sweep config give it. */
export interface RunRequest {
  loss: LoadedLossPlugin;
  /** As given: `--param` strings or a config's numbers and booleans. */
  lossParams: RawParams;
  backbone: LoadedBackbonePlugin;
  backboneParams: RawParams;
  dataset: string;
  holdout?: Holdout;
  train: TrainSettings;
  /**
   * The training set's class count where it is known before the data is opened (the registry's expected
   * identities): the loss plugin's own check (e.g. AdaCos needs C ≥ 3) then runs here too.
   */
  numClasses?: number;
}

export interface DefinedRun {
  /** The run's directory name: `<loss>-<hash of the definition>`. */
  id: string;
  definition: RunDefinition;
}

/**
 * The one way to define a run, for `flb train` and `flb sweep` alike. Parameters are parsed and checked against
 * the plugins' specs and every default is filled in before anything is hashed, so the same run always gets the same
 * key however it was asked for ("m=.3", "m=3e-1", a config's 0.3), and a bad value fails here, before any dataset
 * is opened or generated.
 */
export function defineRun(req: RunRequest): DefinedRun {
  const loss = req.loss.plugin;
  // The class count decides some checks (AdaCos needs C ≥ 3); where it is not known yet, the ranges are still checked.
  const lossValues = req.numClasses === undefined ? resolveParams(`loss '${loss.name}'`, loss.params, req.lossParams) : lossParams(loss, req.lossParams, req.numClasses);
  const backboneParams = resolveParams(`backbone '${req.backbone.plugin.name}'`, req.backbone.plugin.params, req.backboneParams);
  const definition: RunDefinition = {
    loss: { name: loss.name, params: lossValues },
    backbone: { name: req.backbone.plugin.name, params: backboneParams },
    dataset: req.dataset,
    ...(req.holdout ? { holdout: req.holdout } : {}),
    train: req.train,
  };
  return { id: runId(definition), definition };
}
