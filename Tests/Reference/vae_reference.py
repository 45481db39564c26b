#!/usr/bin/env python3
"""An independent float64 numpy implementation of vaedyn's VAE forward pass, loss and
gradients. It reads a case written by the Swift test (VAETests.NumpyReferenceTests) in
vaedyn's archive format, parsing that format itself, and exits non-zero, naming the
tensor, when any result differs by more than the tolerance (relative to the tensor's norm).

usage: vae_reference.py CASE_FILE [TOLERANCE]
"""
import json, struct, sys, zlib
import numpy as np

MAGIC = b"VAEM\r\n\x1a\n"


def read_archive(path):
    raw = open(path, "rb").read()
    if raw[:8] != MAGIC:
        sys.exit(f"{path}: wrong magic")
    version, header_len = struct.unpack_from("<II", raw, 8)
    if version != 1:
        sys.exit(f"{path}: version {version}")
    if zlib.crc32(raw[:-4]) != struct.unpack_from("<I", raw, len(raw) - 4)[0]:
        sys.exit(f"{path}: CRC-32 mismatch")
    header = json.loads(raw[16:16 + header_len])
    base = 16 + header_len
    tensors = {}
    for t in header["tensors"]:
        dtype = {"float32": "<f4", "uint8": "u1"}[t["dtype"]]
        blob = raw[base + t["offset"]: base + t["offset"] + t["length"]]
        tensors[t["name"]] = np.frombuffer(blob, dtype=dtype).astype(np.float64).reshape(t["shape"])
    import base64
    meta = json.loads(base64.b64decode(header["metadata"]))
    return meta, tensors


def softplus(v):
    return np.logaddexp(0.0, v)


def main():
    meta, t = read_archive(sys.argv[1])
    tol = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-4
    Z = meta["latentSize"]
    x, eps = t["x"], t["eps"]
    B = x.shape[0]
    W1, b1, W2, b2 = t["w1"], t["b1"], t["w2"], t["b2"]
    W3, b3, W4, b4 = t["w3"], t["b3"], t["w4"], t["b4"]

    # Forward.
    h1 = np.tanh(x @ W1 + b1)
    e = h1 @ W2 + b2
    mu, logvar = e[:, :Z], e[:, Z:]
    std = np.exp(0.5 * logvar)
    z = mu + std * eps
    h3 = np.tanh(z @ W3 + b3)
    logits = h3 @ W4 + b4
    rec = np.sum(softplus(logits) - x * logits, axis=1)
    kl = 0.5 * np.sum(mu ** 2 + np.exp(logvar) - 1 - logvar, axis=1)

    # Backward of the batch mean of rec + kl.
    dl = (1 / (1 + np.exp(-logits)) - x) / B
    gW4, gb4 = h3.T @ dl, dl.sum(0)
    da3 = (dl @ W4.T) * (1 - h3 ** 2)
    gW3, gb3 = z.T @ da3, da3.sum(0)
    dz = da3 @ W3.T
    dmu = dz + mu / B
    dlogvar = dz * eps * 0.5 * std + 0.5 * (np.exp(logvar) - 1) / B
    de = np.concatenate([dmu, dlogvar], axis=1)
    gW2, gb2 = h1.T @ de, de.sum(0)
    da1 = (de @ W2.T) * (1 - h1 ** 2)
    gW1, gb1 = x.T @ da1, da1.sum(0)

    expected = {"mu": mu, "logvar": logvar, "logits": logits, "rec": rec, "kl": kl,
                "g_w1": gW1, "g_b1": gb1, "g_w2": gW2, "g_b2": gb2,
                "g_w3": gW3, "g_b3": gb3, "g_w4": gW4, "g_b4": gb4}
    worst = 0.0
    failures = []
    for name, want in expected.items():
        got = t[name]
        if got.shape != want.shape:
            failures.append(f"{name}: shape {got.shape}, expected {want.shape}")
            continue
        err = np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)
        worst = max(worst, err)
        print(f"{name:8s} relative error {err:.2e}")
        if not err <= tol:
            failures.append(f"{name}: relative error {err:.3e} > {tol}")
    if failures:
        print("MISMATCH: " + "; ".join(failures))
        return 1
    print(f"numpy reference agrees: worst relative error {worst:.2e} (tolerance {tol})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
