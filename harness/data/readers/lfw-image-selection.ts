import { InvalidArgumentError } from 'commander';

/**
 * Which images of an LFW-style dataset a command works on: `pairs`, the images pairs.txt names (7,701 of LFW's
 * 13,233, all that the verification protocol needs), or `all`, every image of the images folder (what a model
 * trained on LFW identities, such as the real-data loss study's heads, can use besides).
 */
export const LFW_IMAGE_SELECTIONS = ['pairs', 'all'] as const;
export type LfwImageSelection = (typeof LFW_IMAGE_SELECTIONS)[number];

export function parseLfwImageSelection(value: string): LfwImageSelection {
  if (!(LFW_IMAGE_SELECTIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected ${LFW_IMAGE_SELECTIONS.join(' or ')}, got '${value}'`);
  }
  return value as LfwImageSelection;
}
