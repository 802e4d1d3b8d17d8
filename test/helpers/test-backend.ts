import { ortCpuAvailable } from '@facelossbench/tfjs-backend-ort-cpu';

/**
 * The backend the training, sweep and embedding tests run on: the fast CPU path (ort-cpu) the demo uses, so
 * the tests exercise it, or tfjs's cpu backend where onnxruntime-node cannot load.
 */
export const TEST_BACKEND: 'ort-cpu' | 'cpu' = ortCpuAvailable() ? 'ort-cpu' : 'cpu';
