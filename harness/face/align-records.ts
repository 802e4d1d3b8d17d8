import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Point } from '../align/similarity-transform.js';
import { UserError } from '../core/errors.js';
import type { DetectorName } from './detectors.js';

/**
 * What alignment did to one image, one JSON line each in align-records*.jsonl beside the aligned images. The
 * lines are the cache: an image with a line (and its file) is not aligned again, and the fallback count is
 * read from them, so an interrupted or sharded run still reports every fallback.
 */
export interface AlignRecord {
  key: string;
  /** The detector that found the face, or 'fallback' when none did and the image was centre-cropped. */
  source: DetectorName | 'fallback';
  score?: number;
  points?: Point[];
}

const RECORDS = /^align-records(\.\d+-of-\d+)?\.jsonl$/;

export function recordsFile(dir: string, shard?: { index: number; count: number }): string {
  return join(dir, shard && shard.count > 1 ? `align-records.${shard.index}-of-${shard.count}.jsonl` : 'align-records.jsonl');
}

export function appendRecord(file: string, record: AlignRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Every record under `dir` (all shards), by key; a torn last line from a killed run is ignored. */
export function readRecords(dir: string): Map<string, AlignRecord> {
  const records = new Map<string, AlignRecord>();
  if (!existsSync(dir)) return records;
  for (const name of readdirSync(dir).filter((n) => RECORDS.test(n)).sort()) {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const record = JSON.parse(line) as AlignRecord;
        records.set(record.key, record);
      } catch {
        if (i < lines.length - 2) throw new UserError(`${join(dir, name)} line ${i + 1}: not a JSON alignment record`);
      }
    });
  }
  return records;
}
