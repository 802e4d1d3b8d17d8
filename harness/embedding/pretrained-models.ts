import { UserError } from '../core/errors.js';

/** Pretrained models `flb embed --pretrained` knows; weights come from npm packages, never downloaded. */
export const PRETRAINED_MODELS = ['faceapi-resnet'] as const;
export type PretrainedModel = (typeof PRETRAINED_MODELS)[number];

export function parsePretrainedModel(name: string): PretrainedModel {
  if (!(PRETRAINED_MODELS as readonly string[]).includes(name)) throw new UserError(`unknown pretrained model "${name}"; expected one of ${PRETRAINED_MODELS.join(', ')}`);
  return name as PretrainedModel;
}
