"""The paper's figures from a run, with matplotlib (pip install "vaedyn-client[plot]")."""


def fig2b(run, ax=None, only=None):
    """Fig 2b: distance of the latent state to each reference over t, with +-1 SE bands.
    `only` keeps the references whose ids it lists."""
    import matplotlib.pyplot as plt
    distance, error, ids = run.to_numpy()
    labels = {r["id"]: r["label"] for r in run.start.references}
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    t = range(len(distance))
    for j, ref in enumerate(ids):
        if only is not None and ref not in only:
            continue
        heavy = ref in ("self", "all")
        line, = ax.plot(t, distance[:, j], label=labels[ref], linewidth=2.5 if heavy else 1.2, color="black" if ref == "self" else None)
        ax.fill_between(t, distance[:, j] - error[:, j], distance[:, j] + error[:, j], color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_xlabel("step t")
    ax.set_ylabel("distance to reference")
    ax.set_title(f"{run.start.model}: Fig 2b")
    ax.legend(fontsize=7, ncol=2)
    return ax


def fig3(sweep, ax=None):
    """Fig 3: minimum distance to each reference against the noise ratio."""
    import matplotlib.pyplot as plt
    ratios, minimum, _, ids = sweep.to_numpy()
    labels = {r["id"]: r["label"] for r in sweep.start.references}
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    for j, ref in enumerate(ids):
        ax.plot(ratios, minimum[:, j], label=labels[ref], linewidth=2.5 if ref in ("self", "all") else 1.2)
    ax.set_xlabel("noise ratio")
    ax.set_ylabel("minimum distance")
    ax.set_title(f"{sweep.start.model}: Fig 3")
    ax.legend(fontsize=7, ncol=2)
    return ax
