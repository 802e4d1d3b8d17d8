import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Node flags for worker threads whose entry is one of our .ts files. Started as `tsx harness/cli.ts`, the process
 * carries tsx's `--import` flag and workers inherit it. Started through bin/flb.js (`npx flb`), tsx is registered
 * in-process, and module hooks are per thread in Node 20: without the flag a worker fails to load its .ts entry
 * (ERR_UNKNOWN_FILE_EXTENSION). So the loader is named explicitly, by absolute URL, whenever the process lacks it.
 */
export function tsWorkerExecArgv(): string[] {
  if (!import.meta.url.endsWith('.ts')) return process.execArgv; // compiled to .js: no loader needed
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const hasTsx = process.execArgv.some((arg) => /[\\/]tsx[\\/]|^tsx$/.test(arg));
  return hasTsx ? process.execArgv : [...process.execArgv, '--import', loader];
}
