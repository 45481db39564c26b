"""A client for the vaedyn service (docs/records.md has every record field).

    from vaedyn_client import Client
    client = Client("http://127.0.0.1:8080")
    run = client.dynamics(digit=6, noise=("replace", 0.2), steps=50, trials=100)
    for step in run:            # records as they arrive
        print(step.t, step.nearest)
    distances, errors, ids = run.to_numpy()
"""
from .client import Client, Run, Sweep, VaedynError
from .records import Record

__all__ = ["Client", "Run", "Sweep", "VaedynError", "Record"]
