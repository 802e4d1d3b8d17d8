#!/usr/bin/env node
// Registers tsx in-process and runs the TypeScript CLI, so `npx flb ...` works right after `npm install`
// with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli.ts');
