import { spawnSync } from 'node:child_process';

/**
 * The Python side of the benchmarks: numpy's GEMM (the machine's BLAS speed, our yardstick for a kernel's
 * GFLOP/s) and PyTorch's training step. Each runs under the first interpreter that has the module; numpy is
 * looked for on PATH first (a wheel with OpenBLAS), PyTorch in Debian's python3-torch (/usr/bin/python3).
 */

export interface PythonResult<T> {
  python: string | null;
  result: T | null;
  /** Why there is no result, when there is none. */
  missing?: string;
}

export function findPython(module: string, candidates: readonly string[]): string | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Runs `script` (which prints one JSON line last) under the first candidate interpreter that has `module`. */
export function runPythonJson<T>(module: string, candidates: readonly string[], script: string, args: readonly string[] = []): PythonResult<T> {
  const python = findPython(module, candidates);
  if (python === null) return { python: null, result: null, missing: `no Python with ${module} among ${candidates.join(', ')}` };
  const run = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) return { python, result: null, missing: `${python} failed: ${run.stderr.trim().split('\n').pop()}` };
  const lines = run.stdout.trim().split('\n');
  return { python, result: JSON.parse(lines[lines.length - 1]!) as T };
}

const NUMPY_GEMM = `
import json, sys, time
import numpy as np
m, k, n, reps = (int(v) for v in sys.argv[1:5])
rng = np.random.default_rng(0)
a = rng.standard_normal((m, k), dtype=np.float32)
b = rng.standard_normal((k, n), dtype=np.float32)
a @ b
times = []
for _ in range(reps):
    t = time.perf_counter(); a @ b; times.append(time.perf_counter() - t)
ms = sorted(times)[len(times) // 2] * 1e3
print(json.dumps({"ms": ms, "gflops": 2 * m * k * n / ms / 1e6, "numpy": np.__version__}))
`;

export interface NumpyGemm {
  ms: number;
  gflops: number;
  numpy: string;
}

export function numpyGemm(m: number, k: number, n: number, reps = 10): PythonResult<NumpyGemm> {
  const candidates = [process.env.FLB_NUMPY_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return runPythonJson<NumpyGemm>('numpy', candidates, NUMPY_GEMM, [m, k, n, reps].map(String));
}
