import { encodeOnnxModel, type OnnxGraph } from './onnx-model.js';
import { OrtSession } from './ort-runtime.js';

/**
 * Compiled ORT sessions keyed by what defines the graph (op, shapes, attributes). Building a session costs
 * milliseconds while running one costs microseconds of overhead, and a training loop repeats the same few
 * dozen shapes every step, so each graph is compiled once per process. The cache is bounded (least recently
 * used out) because every session keeps its own memory arena and thread pool.
 */
const MAX_SESSIONS = 512;
const sessions = new Map<string, OrtSession>();

export function cachedSession(key: string, build: () => OnnxGraph): OrtSession {
  let session = sessions.get(key);
  if (session === undefined) {
    const graph = build();
    session = new OrtSession(
      encodeOnnxModel(graph),
      graph.outputs.map((o) => o.name),
    );
    if (sessions.size >= MAX_SESSIONS) {
      const [oldestKey, oldest] = sessions.entries().next().value as [string, OrtSession];
      oldest.dispose();
      sessions.delete(oldestKey);
    }
  } else {
    sessions.delete(key); // re-inserted below: Map iteration order is then recency order
  }
  sessions.set(key, session);
  return session;
}

export function cachedSessionCount(): number {
  return sessions.size;
}

export function disposeCachedSessions(): void {
  for (const s of sessions.values()) s.dispose();
  sessions.clear();
}
