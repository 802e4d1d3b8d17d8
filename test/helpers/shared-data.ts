import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

/**
 * The real data that nobody on this project wrote (../shared/data beside the repository, as developers and CI
 * have it; $FLB_SHARED_DATA overrides). Tests that use it skip with a note where it is absent.
 */
export const SHARED_DATA = process.env.FLB_SHARED_DATA ?? [join(REPO_ROOT, '..', 'shared', 'data'), '/work/shared/data'].find(existsSync) ?? join(REPO_ROOT, '..', 'shared', 'data');

export function sharedDataPath(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}
