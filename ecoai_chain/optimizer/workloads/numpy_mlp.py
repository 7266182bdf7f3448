"""A real small CPU workload: MLP inference in NumPy at several batch sizes and precisions.

The data set is synthetic and deterministic (seeded Gaussian clusters with a nonlinear label
rule, 64 features, 4 classes); the fp32 model (64-128-128-4, ReLU) is trained here with plain
full-batch gradient descent, also deterministic. ``run(setting)`` classifies the evaluation set
``repeats`` times at the requested batch size and precision and returns

    {"work": samples classified, "quality": agreement with the fp32 model's predictions,
     "accuracy": accuracy against the true labels, "latency_ms": mean wall time per batch}

Precisions:
* ``fp32``: float32 weights and activations.
* ``fp16``: numpy float16 weights and activations (NumPy has no fp16 BLAS on CPU, so this is
  honestly slow here; on a GPU it would be fast).
* ``bf16``: *emulated*: weights and activations are truncated to bfloat16 (the low 16 mantissa
  bits of each float32 cleared) and the matmul runs in float32.
* ``int8``: symmetric per-tensor quantization of weights and of each layer's input activations
  to int8, matmul accumulated in int32, then rescaled to float32.

Run standalone (the command-workload protocol): ``ECOAI_OPT_SETTING='{"batch_size": 32,
"precision": "int8"}' python -m ecoai_chain.optimizer.workloads.numpy_mlp`` prints one JSON line.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from ecoai_chain.errors import ValidationError

PRECISIONS = ("fp32", "fp16", "bf16", "int8")
N_FEATURES, N_HIDDEN, N_CLASSES = 64, 128, 4


def make_dataset(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = np.random.default_rng(1234).normal(0, 1.5, (8, N_FEATURES))
    idx = rng.integers(0, 8, n)
    x = centers[idx] + rng.normal(0, 1.0, (n, N_FEATURES))
    # nonlinear labels: cluster id mixed with the sign of a feature product
    y = (idx % 4 + (x[:, 0] * x[:, 1] > 0)) % N_CLASSES
    return x.astype(np.float32), y.astype(np.int64)


@functools.lru_cache(maxsize=1)
def trained_model(steps: int = 120, lr: float = 0.05) -> tuple[np.ndarray, ...]:
    """Deterministic full-batch gradient descent on 2048 training samples (about 1 s)."""
    with threadpool_limits(1):
        return _train(steps, lr)


def _train(steps: int, lr: float) -> tuple[np.ndarray, ...]:
    x, y = make_dataset(2048, seed=7)
    rng = np.random.default_rng(42)
    w1 = rng.normal(0, np.sqrt(2 / N_FEATURES), (N_FEATURES, N_HIDDEN)).astype(np.float32)
    w2 = rng.normal(0, np.sqrt(2 / N_HIDDEN), (N_HIDDEN, N_HIDDEN)).astype(np.float32)
    w3 = rng.normal(0, np.sqrt(2 / N_HIDDEN), (N_HIDDEN, N_CLASSES)).astype(np.float32)
    onehot = np.eye(N_CLASSES, dtype=np.float32)[y]
    for _ in range(steps):
        h1 = np.maximum(x @ w1, 0)
        h2 = np.maximum(h1 @ w2, 0)
        logits = h2 @ w3
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g3 = (p - onehot) / len(x)
        g2 = (g3 @ w3.T) * (h2 > 0)
        g1 = (g2 @ w2.T) * (h1 > 0)
        w3 -= lr * h2.T @ g3
        w2 -= lr * h1.T @ g2
        w1 -= lr * x.T @ g1
    return w1, w2, w3


def _bf16(a: np.ndarray) -> np.ndarray:
    """Round-toward-zero to bfloat16, kept in float32 storage (emulation)."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32) & np.uint32(0xFFFF0000)
    return bits.view(np.float32)


def _quant(a: np.ndarray) -> tuple[np.ndarray, float]:
    scale = float(np.abs(a).max()) / 127 or 1.0
    return np.clip(np.round(a / scale), -127, 127).astype(np.int8), scale


def forward(x: np.ndarray, weights: tuple[np.ndarray, ...], precision: str) -> np.ndarray:
    """Class predictions for one batch at the given precision."""
    if precision == "fp32":
        h = x
        for i, w in enumerate(weights):
            h = h @ w
            if i < len(weights) - 1:
                h = np.maximum(h, 0)
    elif precision == "fp16":
        h = x.astype(np.float16)
        for i, w in enumerate(weights):
            h = h @ w.astype(np.float16)
            if i < len(weights) - 1:
                h = np.maximum(h, 0)
    elif precision == "bf16":
        h = _bf16(x)
        for i, w in enumerate(weights):
            h = _bf16(h @ _bf16(w))
            if i < len(weights) - 1:
                h = np.maximum(h, 0)
    elif precision == "int8":
        h = x
        for i, w in enumerate(weights):
            qa, sa = _quant(h)
            qw, sw = _quant(w)
            acc = qa.astype(np.int32) @ qw.astype(np.int32)  # int32 accumulation
            h = acc.astype(np.float32) * (sa * sw)
            if i < len(weights) - 1:
                h = np.maximum(h, 0)
    else:
        raise ValidationError("precision", f"must be one of {PRECISIONS}, got {precision!r}")
    return np.asarray(h).argmax(1)


@functools.lru_cache(maxsize=4)
def evaluation_set(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs, true labels and the fp32 model's predictions (the quality reference)."""
    x, y = make_dataset(n, seed=99)
    with threadpool_limits(1):
        return x, y, forward(x, trained_model(), "fp32")


def prepare(setting: dict) -> None:
    """Optional protocol hook, called once before measuring: train and build the eval set."""
    evaluation_set(setting.get("samples", 4096))


def run(setting: dict) -> dict:
    """The workload protocol: classify the evaluation set at ``setting``; see the module doc."""
    batch = setting.get("batch_size", 64)
    precision = setting.get("precision", "fp32")
    repeats = setting.get("repeats", 1)
    n = setting.get("samples", 4096)
    if not isinstance(batch, int) or batch <= 0:
        raise ValidationError("batch_size", f"must be a positive integer, got {batch!r}")
    if precision not in PRECISIONS:
        raise ValidationError("precision", f"must be one of {PRECISIONS}, got {precision!r}")
    weights = trained_model()
    x, y, reference = evaluation_set(n)
    preds = np.empty(n, dtype=np.int64)
    batches = 0
    # One BLAS thread: on a shared 2-core machine OpenBLAS's spinning threads made a matmul 4-6x
    # slower and the CPU-time energy estimate noisy.
    with threadpool_limits(1):
        t0 = time.perf_counter()
        for _ in range(repeats):
            for s in range(0, n, batch):
                preds[s:s + batch] = forward(x[s:s + batch], weights, precision)
                batches += 1
        wall = time.perf_counter() - t0
    return {"work": n * repeats, "quality": float((preds == reference).mean()),
            "accuracy": float((preds == y).mean()), "latency_ms": 1000 * wall / batches}


def main() -> int:
    setting = json.loads(os.environ.get("ECOAI_OPT_SETTING", "{}"))
    print(json.dumps(run(setting)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
