"""PyTorch's own encoder against `vaedyn encode` of the imported model, on test images.

usage: python compare_encodings.py STATE.safetensors ENCODINGS.npy DATA_DIR
(ENCODINGS.npy: `vaedyn encode --test-range 0:N --format npy`, rows [mean | logVariance].)
Prints the largest differences and exits non-zero above 1e-4 of the largest mean.
"""
import sys

import numpy as np
import torch
from safetensors.torch import load_file

from train_pytorch_examples_vae import VAE, idx_images

state, encodings, data = sys.argv[1:4]
model = VAE()
model.load_state_dict(load_file(state))
ours = np.load(encodings)
x = torch.from_numpy(idx_images(f"{data}/t10k-images-idx3-ubyte")[:len(ours)].astype(np.float32) / 255)
with torch.no_grad():
    mu, logvar = (t.numpy() for t in model.encode(x))
z = mu.shape[1]
worst_mean, worst_logvar = np.abs(ours[:, :z] - mu).max(), np.abs(ours[:, z:] - logvar).max()
scale = np.abs(mu).max()
print(f"{len(ours)} test images: largest difference {worst_mean:.2e} in the mean, {worst_logvar:.2e} in the log-variance "
      f"(largest |mean| {scale:.2f})")
sys.exit(0 if max(worst_mean, worst_logvar) <= 1e-4 * max(scale, 1) else 1)
