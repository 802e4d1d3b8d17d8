#!/usr/bin/env node
// Loads tsx in-process, as `node --import tsx` would (its ESM hooks and its CommonJS require hook: a user's loss
// plugin outside an ESM package is loaded as CommonJS), then runs the TypeScript CLI. So `npx flb ...` works
// right after `npm install`, with no build step. Worker threads get the loader through their execArgv
// (harness/worker-exec-argv.ts).
await import('tsx');
await import('../harness/cli/main.ts');
