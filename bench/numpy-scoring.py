"""numpy's time for the computations bench/scoring.ts times, on the same synthetic files (one JSON line).

kernel   P x D probes against G x D gallery: float32 GEMM throughput, and GEMM + per-row top-R.
megaface the MegaFace scoring: normalise, probe x distractor GEMM in column blocks, per-probe top-R at every
         nested size, the impostor tail (k+1 largest), probe x probe scores.
ijbc     the IJB-C scoring: faceness-weighted media means summed per template, normalised (float64),
         dot product per pair, ROC counts from sorted scores.
"""
import json
import os
import sys
import time

import numpy as np


def kernel(probes, gallery, dim, ranks):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((probes, dim), dtype=np.float32)
    b = rng.standard_normal((gallery, dim), dtype=np.float32)
    block = 8192
    a @ b[:block].T  # warm-up
    t0 = time.perf_counter()
    for c in range(0, gallery, block):
        a @ b[c:c + block].T
    gemm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in range(0, gallery, block):
        s = a @ b[c:c + block].T
        np.partition(s, s.shape[1] - ranks, axis=1)[:, -ranks:]
    full = time.perf_counter() - t0
    return {"gemmSeconds": gemm, "gemmGflops": 2 * probes * gallery * dim / gemm / 1e9, "seconds": full}


def megaface(root, sizes, ranks, tail_k):
    t0 = time.perf_counter()
    p = np.load(os.path.join(root, "facescrub.npy"))
    d = np.load(os.path.join(root, "megaface.npy"), mmap_mode="r")
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    top = np.full((p.shape[0], ranks), -np.inf, dtype=np.float32)
    tail = np.empty(0, dtype=np.float32)
    block = 16384
    done = 0
    for size in sizes:
        while done < size:
            end = min(size, done + block)
            b = np.asarray(d[done:end])
            b = b / np.linalg.norm(b, axis=1, keepdims=True)
            s = p @ b.T
            k = min(ranks, s.shape[1])
            top = np.sort(np.concatenate([top, np.partition(s, s.shape[1] - k, axis=1)[:, -k:]], axis=1), axis=1)[:, -ranks:]
            flat = s.ravel()
            if flat.size > tail_k:
                flat = np.partition(flat, flat.size - tail_k)[-tail_k:]
            tail = np.concatenate([tail, flat])
            if tail.size > tail_k:
                tail = np.partition(tail, tail.size - tail_k)[-tail_k:]
            done = end
    p @ p.T
    return {"seconds": time.perf_counter() - t0}


def ijbc(root):
    t0 = time.perf_counter()
    feats = np.load(os.path.join(root, "ijbc.npy"))
    meta = os.path.join(root, "meta")
    tid_mid = np.loadtxt(os.path.join(meta, "ijbc_face_tid_mid.txt"), dtype=str)
    templates = tid_mid[:, 1].astype(np.int64)
    medias = tid_mid[:, 2].astype(np.int64)
    score = np.loadtxt(os.path.join(meta, "ijbc_name_5pts_score.txt"), dtype=str)[:, -1].astype(np.float32)
    pairs = np.loadtxt(os.path.join(meta, "ijbc_template_pair_label.txt"), dtype=np.int64)
    read = time.perf_counter() - t0
    x = feats * score[:, None]
    # media means: group by (template, media), then sum per template
    order = np.lexsort((medias, templates))
    t_sorted, m_sorted = templates[order], medias[order]
    group_start = np.r_[True, (np.diff(t_sorted) != 0) | (np.diff(m_sorted) != 0)]
    group_id = np.cumsum(group_start) - 1
    sums = np.zeros((group_id[-1] + 1, x.shape[1]))
    np.add.at(sums, group_id, x[order])
    counts = np.bincount(group_id)
    means = sums / counts[:, None]
    group_template = t_sorted[group_start]
    uniq, tpl_index = np.unique(group_template, return_inverse=True)
    tfeat = np.zeros((uniq.size, x.shape[1]))
    np.add.at(tfeat, tpl_index, means)
    tfeat /= np.linalg.norm(tfeat, axis=1, keepdims=True)
    i1 = np.searchsorted(uniq, pairs[:, 0])
    i2 = np.searchsorted(uniq, pairs[:, 1])
    scores = np.empty(len(pairs))
    batch = 100000
    for s in range(0, len(pairs), batch):
        scores[s:s + batch] = np.sum(tfeat[i1[s:s + batch]] * tfeat[i2[s:s + batch]], -1)
    o = np.argsort(scores, kind="mergesort")[::-1]
    np.cumsum(pairs[o, 2])
    return {"seconds": time.perf_counter() - t0, "readSeconds": read}


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    case = args.pop("case")
    print(json.dumps({"kernel": kernel, "megaface": megaface, "ijbc": ijbc}[case](**args)))
