// Worker entry for sync-channel.test.ts, entered from CommonJS as the webgpu worker is (gpu-worker-entry.cjs).
require('./echo-worker.ts');
