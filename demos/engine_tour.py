# %% [markdown]
# # A tour of tinygan's autodiff engine, top to bottom in two minutes of reading
#
#     python demos/engine_tour.py            # on the CPU
#     python demos/engine_tour.py --device cuda
#
# 1. Build a small graph and read gradients off the leaves.
# 2. Differentiate a gradient again (what a WGAN-GP or R1 penalty needs).
# 3. Prove a gradient right with finite differences.
# 4. Train a two-layer network by hand: forward, loss, backward, update.

# %%
import argparse
import sys

import numpy as np

import tinygan
import tinygan.nn.functional as F


# %% 1. A graph and its gradients
def graph_and_gradients(device):
    print("1. A graph and its gradients")
    x = tinygan.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = (x * x).sum() + tinygan.sigmoid(x).mean()  # y = sum x^2 + mean sigmoid(x)
    y.backward()
    print("   y      =", y)
    print("   dy/dx  =", x.grad, " (2x + sigmoid'(x)/3)")


# %% 2. A gradient of a gradient
def gradient_of_a_gradient(device):
    print("\n2. A gradient of a gradient")
    x = tinygan.tensor([0.5, -1.0], device=device, requires_grad=True)
    (dx,) = tinygan.grad((x**3).sum(), x, create_graph=True)  # 3x^2, itself a graph
    penalty = (dx * dx).sum()  # like a gradient penalty: a function of the gradient
    penalty.backward()
    print("   d/dx sum x^3      =", dx)
    print("   d/dx sum (3x^2)^2 =", x.grad, " (36 x^3)")


# %% 3. Checking a gradient against finite differences
def layer(a, b):
    return (a @ b).tanh()


def check_gradients(device):
    print("\n3. Checking a gradient against finite differences (in float64)")
    a = tinygan.randn(3, 4, dtype=tinygan.float64, device=device, requires_grad=True)
    b = tinygan.randn(4, 2, dtype=tinygan.float64, device=device, requires_grad=True)
    print("   gradcheck(tanh(a @ b))     ->", tinygan.gradcheck(layer, [a, b]))
    print("   gradgradcheck(tanh(a @ b)) ->", tinygan.gradgradcheck(layer, [a, b]))


# %% 4. Training a network by hand: forward, loss, backward, update
def moons(seed, device):
    """256 points of two interleaved half circles, and their labels (1: upper, 0: lower)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, 256)
    label = rng.integers(0, 2, 256)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    points = np.where(label[:, None] == 1, upper, lower) + 0.1 * rng.standard_normal((256, 2))
    inputs = tinygan.tensor(points, dtype=tinygan.float32, device=device)  # an explicit upload
    return inputs, tinygan.tensor(label, dtype=tinygan.float32, device=device)


def train_moons(inputs, label, steps, device):
    print("\n4. Training a 2-16-1 network to tell two interleaved moons apart")
    w1 = (tinygan.randn(16, 2, device=device) * 0.5).requires_grad_()
    b1 = tinygan.zeros(16, device=device, requires_grad=True)
    w2 = (tinygan.randn(1, 16, device=device) * 0.5).requires_grad_()
    b2 = tinygan.zeros(1, device=device, requires_grad=True)
    parameters = [w1, b1, w2, b2]
    for step in range(steps + 1):
        logits = F.linear(F.relu(F.linear(inputs, w1, b1)), w2, b2).squeeze(1)
        loss = F.binary_cross_entropy_with_logits(logits, label)
        for p in parameters:
            p.grad = None
        loss.backward()
        with tinygan.no_grad():  # the update itself must not be recorded
            for p in parameters:
                p.sub_(p.grad * 0.5)  # plain gradient descent, learning rate 0.5
        if step % 100 == 0:
            accuracy = ((logits > 0).float() == label).float().mean()
            print(f"   step {step:3d}  loss {loss.item():.3f}  accuracy {accuracy.item():.2f}")


# %%
def main(argv=None):
    parser = argparse.ArgumentParser(description="A tour of tinygan's autodiff engine.")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args(argv)
    tinygan.manual_seed(args.seed)
    graph_and_gradients(args.device)
    gradient_of_a_gradient(args.device)
    check_gradients(args.device)
    train_moons(*moons(args.seed, args.device), args.steps, args.device)


# %%
if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the tour's
    main([] if "ipykernel" in sys.modules else None)
