import type { DatasetRole } from '../data/registry/registry.js';
import type { MetricDefinition } from '../run-store/leaderboard.js';

/**
 * What each evaluation protocol contributes to the leaderboard: which numbers of its eval/<protocol>.json
 * become columns, under which key and title. Keys follow the JSON paths of issue 4's result files.
 */
export type Protocol = 'lfw' | 'megaface' | 'ijbc' | 'ijbb';

/** The protocol a dataset role is evaluated with; verification .bin sets are scored like LFW pairs. */
export function protocolOfRole(role: DatasetRole): Protocol | null {
  if (role === 'lfw' || role === 'verification-bin') return 'lfw';
  if (role === 'megaface' || role === 'ijbc' || role === 'ijbb') return role;
  return null;
}

export interface MetricValue {
  definition: MetricDefinition;
  value: number;
}

const IJB_FARS = ['1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1'];
const MEGAFACE_FARS = ['1e-6', '1e-5', '1e-4'];
const IJB_TITLES: Record<string, string> = { ijbb: 'IJB-B', ijbc: 'IJB-C' };

/** The `unresolvable` mark of a FAR target, from a result's `resolvable` map and its impostor count. */
function resolution(result: Record<string, unknown>, far: string, impostorPairs: unknown): Pick<MetricDefinition, 'unresolvable'> {
  const resolvable = (result.resolvable ?? {}) as Record<string, unknown>;
  return resolvable[far] === false && typeof impostorPairs === 'number' ? { unresolvable: { impostorPairs } } : {};
}

/**
 * Every leaderboard metric in one protocol result, in column order; values that are absent or not finite are
 * left out. Keys start with `prefix` (the protocol, or a .bin set's own name, so that CFP-FP and LFW stay apart).
 */
export function metricsOf(protocol: Protocol, result: Record<string, unknown>, prefix: string = protocol): MetricValue[] {
  const out: MetricValue[] = [];
  const add = (definition: MetricDefinition, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ definition, value });
  };
  const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

  if (protocol === 'lfw') {
    const name = prefix === 'lfw' ? 'LFW' : prefix;
    add({ key: `${prefix}.accuracy`, title: name, better: 'higher', unit: 'percent' }, result.accuracy);
    add({ key: `${prefix}.auc`, title: `${name} AUC`, better: 'higher', unit: 'percent' }, result.auc);
    add({ key: `${prefix}.eer`, title: `${name} EER`, better: 'lower', unit: 'percent' }, result.eer);
  } else if (protocol === 'megaface') {
    const identification = record(result.identification);
    const sizes = Object.keys(identification).sort((a, b) => Number(a) - Number(b));
    for (const size of sizes) {
      add({ key: `megaface.identification.${size}`, title: `MF rank-1 @${distractorCount(Number(size))}`, better: 'higher', unit: 'percent' }, identification[size]);
    }
    const verification = record(result.verification);
    const impostorPairs = record(result.counts).impostorPairs;
    for (const far of MEGAFACE_FARS) {
      const definition: MetricDefinition = { key: `megaface.verification.tarAtFar${far}`, title: `MF TAR@${far}`, better: 'higher', unit: 'percent' };
      add({ ...definition, ...resolution(result, far, impostorPairs) }, verification[`tarAtFar${far}`]);
    }
  } else {
    const tarAtFar = record(result.tarAtFar);
    const impostorPairs = record(result.counts).impostor;
    const name = IJB_TITLES[protocol];
    for (const far of IJB_FARS) {
      const definition: MetricDefinition = { key: `${protocol}.tarAtFar.${far}`, title: `${name} TAR@${far}`, better: 'higher', unit: 'percent' };
      add({ ...definition, ...resolution(result, far, impostorPairs) }, tarAtFar[far]);
    }
    add({ key: `${protocol}.auc`, title: `${name} AUC`, better: 'higher', unit: 'percent' }, result.auc);
  }
  return out;
}

/** 1000000 → '1M', 10000 → '10k', as papers label distractor counts. */
export function distractorCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}
