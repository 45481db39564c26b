"""Trains the VAE of pytorch/examples (vae/main.py) on our MNIST files and saves its
state dict as safetensors, the way a PyTorch user would hand a model to `vaedyn import`.

The model is written from that script's description, with its tensor names: fc1 784 -> 400
and fc3 20 -> 400 with ReLU, fc21 / fc22 the mean and log-variance heads, fc4 the Bernoulli
logits (a sigmoid in `decode`); the loss is the summed binary cross-entropy against the
grey levels plus the KL term; Adam, lr 1e-3, batches of 128, shuffled, 10 epochs. Only the
data loading differs: the IDX files of scripts/fetch-mnist instead of torchvision.

usage: python train_pytorch_examples_vae.py DATA_DIR OUT.safetensors [EPOCHS] [SEED]
"""
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn


def idx_images(path):
    raw = open(path, "rb").read()
    count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows * cols)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode_logits(z), mu, logvar


def loss(logits, x, mu, logvar):
    # binary_cross_entropy(sigmoid(logits)) in the stable form.
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    return bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def main():
    data, out = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    train = torch.from_numpy(idx_images(f"{data}/train-images-idx3-ubyte").astype(np.float32) / 255)
    test = torch.from_numpy(idx_images(f"{data}/t10k-images-idx3-ubyte").astype(np.float32) / 255)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, epochs + 1):
        start = time.time()
        model.train()
        total = 0.0
        for batch in torch.randperm(len(train)).split(128):
            x = train[batch]
            optimizer.zero_grad()
            logits, mu, logvar = model(x)
            value = loss(logits, x, mu, logvar)
            value.backward()
            optimizer.step()
            total += value.item()
        model.eval()
        with torch.no_grad():
            logits, mu, logvar = model(test)
            test_loss = loss(logits, test, mu, logvar).item() / len(test)
        print(f"epoch {epoch}: train loss {total / len(train):.2f}, test loss {test_loss:.2f} nats per image "
              f"(grey-level targets), {time.time() - start:.1f} s", flush=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
