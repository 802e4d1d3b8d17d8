import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether Linux's Vulkan loader (libvulkan.so.1) is where the dynamic linker looks. Without it Dawn's platform
 * backend cannot start, and asking it anyway costs a worker thread, Dawn's start-up and a warning Dawn prints on
 * stderr; so on such a machine `auto` does not try the GPU at all. Other platforms (Metal, D3D12) always have it.
 */
export function platformBackendLoadable(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return true;
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':'),
    ...configuredLibraryDirs('/etc/ld.so.conf.d'),
    `/lib/${triplet}`,
    `/usr/lib/${triplet}`,
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
  ].filter((d) => d.length > 0);
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** The directories listed in ld.so.conf.d's files (where vendor drivers add theirs). */
function configuredLibraryDirs(confDir: string): string[] {
  try {
    return readdirSync(confDir)
      .filter((f) => f.endsWith('.conf'))
      .flatMap((f) => readFileSync(join(confDir, f), 'utf8').split('\n'))
      .map((line) => line.trim())
      .filter((line) => line.startsWith('/'));
  } catch {
    return [];
  }
}
