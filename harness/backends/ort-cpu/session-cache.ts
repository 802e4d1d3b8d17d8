import { encodeOnnxModel, type OnnxGraph } from './onnx-model.js';
import { OrtSession } from './ort-runtime.js';

/**
 * Compiled ORT sessions keyed by what defines the graph (op, shapes, attributes). Building a session costs
 * milliseconds while running one costs microseconds of overhead, and a training loop repeats the same few
 * dozen shapes every step, so each graph is compiled once per process.
 */
const sessions = new Map<string, OrtSession>();

export function cachedSession(key: string, build: () => OnnxGraph): OrtSession {
  let session = sessions.get(key);
  if (session === undefined) {
    const graph = build();
    session = new OrtSession(
      encodeOnnxModel(graph),
      graph.outputs.map((o) => o.name),
    );
    sessions.set(key, session);
  }
  return session;
}

export function cachedSessionCount(): number {
  return sessions.size;
}

export function disposeCachedSessions(): void {
  for (const s of sessions.values()) s.dispose();
  sessions.clear();
}
