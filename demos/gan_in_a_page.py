# %% [markdown]
# # A GAN in a page
# Goodfellow et al.'s Algorithm 1 on the ring of 8 Gaussians, with nothing but the engine, two
# MLPs and Adam. G does not spread its samples evenly: a mode counts as covered with a single
# sample, so beside the modes covered the page prints the share of the two fullest (25 % when
# even). Seed 0, 4,000 steps: 8 of 8 modes, but half of the samples on two of them; the same
# algorithm in `mixture_2d.py --remedy plain` (another draw) collapses onto one mode. The
# remedies of `mixture_2d.py` fix it. `python demos/gan_in_a_page.py` takes about a minute.

# %%
import argparse
from pathlib import Path

from matplotlib.figure import Figure  # not pyplot: no display, no global state

import tinygan
import tinygan.nn.functional as F
from tinygan import nn, optim
from tinygan.data import toy
from tinygan.metrics import mode_coverage


# %% The players: G maps 2-D noise to points, D maps a point to the logit of "real".
def mlp(inputs, outputs, width=128):
    layers = [nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, width), nn.ReLU(), nn.Linear(width, outputs))


# %% Algorithm 1 with k = 1, and G's non-saturating loss -log D(G(z)).
def main(steps=4000, batch=512, seed=0, out="runs/gan-in-a-page"):
    tinygan.manual_seed(seed)
    ring, G, D = toy.ring(), mlp(2, 2), mlp(2, 1)
    opt_g = optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_label, fake_label = tinygan.ones(batch, 1), tinygan.zeros(batch, 1)
    figure, snapshots = Figure(figsize=(12, 3)), [steps // 8, steps // 4, steps // 2, steps]
    for step in range(1, steps + 1):
        fake = G(tinygan.randn(batch, 2)).detach()  # G is held fixed while D learns
        d_loss = F.binary_cross_entropy_with_logits(D(ring.sample(batch)), real_label)
        d_loss = d_loss + F.binary_cross_entropy_with_logits(D(fake), fake_label)
        opt_d.zero_grad()  # also clears what G's last step left in D's .grad
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(D(G(tinygan.randn(batch, 2))), real_label)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if step in snapshots:  # the samples now, and how many of the 8 modes they cover
            with tinygan.no_grad():
                samples = G(tinygan.randn(2500, 2)).numpy()
            found = mode_coverage(samples, ring.centres, ring.std)
            fullest = sum(sorted(found["counts"])[-2:]) / len(samples)
            print(
                f"step {step}: D loss {d_loss.item():.3f}, G loss {g_loss.item():.3f}, "
                f"{found['modes']} of 8 modes, {found['high_quality']:.0%} high quality, "
                f"{fullest:.0%} on the 2 fullest"
            )
            axes = figure.add_subplot(1, len(snapshots), snapshots.index(step) + 1)
            axes.scatter(*ring.centres.T, c="black", s=30)
            axes.scatter(*samples.T, c="tab:orange", s=2, alpha=0.3)
            axes.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), aspect="equal", title=f"step {step}")
    Path(out).mkdir(parents=True, exist_ok=True)
    figure.savefig(Path(out) / "samples.png", dpi=80, bbox_inches="tight")
    print(f"wrote {Path(out) / 'samples.png'}")


# %%
if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A plain GAN on the ring of 8 Gaussians.")
    parser.add_argument("--steps", type=int, default=4000, help="generator steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/gan-in-a-page", help="where samples.png goes")
    args = parser.parse_args()
    main(steps=args.steps, seed=args.seed, out=args.out)
