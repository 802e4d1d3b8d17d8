import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../harness/core/errors.js';

/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed packages so index.html can carry
 * them inline and work offline. Each package's "unpkg" field names its self-contained browser bundle; vega-embed's
 * expects the other two as the globals `vega` and `vegaLite`, so the order matters.
 */
export const BUNDLED_PACKAGES = ['vega', 'vega-lite', 'vega-embed'] as const;

export interface BrowserBundle {
  name: string;
  version: string;
  source: string;
}

export function browserBundles(): BrowserBundle[] {
  return BUNDLED_PACKAGES.map((name) => {
    const root = packageRoot(name);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; unpkg?: string };
    if (!pkg.unpkg) throw new UserError(`${name}/package.json names no browser bundle ("unpkg"); cannot inline it into index.html`);
    return { name, version: pkg.version, source: inertInScript(readFileSync(join(root, pkg.unpkg), 'utf8')) };
  });
}

/** The package's folder, found from its main entry (its package.json is not an exported subpath). */
function packageRoot(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new UserError(`cannot find the installed package ${name}; run npm install`);
    dir = parent;
  }
}

/**
 * Source placed inside <script>…</script>: a literal "</script" or "<!--" in it would end or confuse the element.
 * Line endings are made LF because the HTML parser does so before the page's CSP hashes are checked.
 */
function inertInScript(source: string): string {
  return source.replace(/\r\n?/g, '\n').replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}
