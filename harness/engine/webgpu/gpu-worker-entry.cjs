// The worker thread's entry. Node 20 does not apply tsx's ESM loader hooks (given by --import) to a worker's
// ESM graph, but tsx's CommonJS require hook does work there: so the worker is entered from CommonJS, as
// piscina's workers are, and gpu-worker.ts is loaded as CommonJS.
require('./gpu-worker.ts');
