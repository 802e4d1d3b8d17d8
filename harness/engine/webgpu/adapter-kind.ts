/**
 * Software or hardware, from what the adapter says about itself. WebGPU does not report a device type, so the
 * names of the CPU renderers a driver stack can hand out stand in for it: Mesa's llvmpipe (under OpenGL ES, and
 * under Vulkan as lavapipe, whose device is also named llvmpipe) and softpipe, Google's SwiftShader, Windows'
 * WARP ("Microsoft Basic Render Driver"), and Dawn's own null backend, which computes nothing.
 */

export interface AdapterIdentity {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The WebGPU spec's flag for an adapter with "significant performance caveats". */
  isFallbackAdapter?: boolean;
}

const SOFTWARE_RENDERERS = /llvmpipe|lavapipe|softpipe|swiftshader|basic render driver|\bwarp\b|null-backend/i;

/** Why the adapter counts as software (a phrase naming the renderer), or null for a GPU. */
export function softwareRenderer(id: AdapterIdentity): string | null {
  if (id.isFallbackAdapter) return 'a fallback adapter';
  const match = [id.device, id.description, id.vendor, id.architecture].join(' ').match(SOFTWARE_RENDERERS);
  return match ? `the CPU renderer ${match[0]}` : null;
}

/** "llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6)": the adapter in one phrase. */
export function adapterName(id: AdapterIdentity): string {
  const parts = [id.vendor, id.architecture, id.device].filter((p) => p.length > 0).join(' ');
  const name = parts || 'unnamed adapter';
  return id.description ? `${name} (${id.description})` : name;
}
