#!/usr/bin/env python3
"""Fig 2b from a live server, through the Python client: the first stored 6 with 20 % of its
pixels replaced, 100 chains of 50 steps, the distance to every concept with +-1 SE bands.

usage: scripts/examples/fig2b.py [OUT.png]   (server: VAEDYN_URL, default http://127.0.0.1:8080;
                                              needs pip install "./clients/python[plot]")
"""
import os, sys

import matplotlib
matplotlib.use("Agg")
from vaedyn_client import Client  # noqa: E402
from vaedyn_client.plot import fig2b  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "fig2b.png"
client = Client(os.environ.get("VAEDYN_URL", "http://127.0.0.1:8080"))
run = client.dynamics(digit=6, noise=("replace", 0.2), steps=50, trials=100, seed=1)
ax = fig2b(run)
ax.figure.tight_layout()
ax.figure.savefig(out, dpi=100)
print(f"wrote {out}: {len(run.records) - 2} steps on {run.start.model}, nearest at the end: {run.records[-2].nearest}")
