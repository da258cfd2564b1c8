# %% [markdown]
# # The Dirac GAN: why plain GAN training circles instead of converging
#
#     python demos/dirac_gan.py                 # CPU, about 10 seconds
#     python demos/dirac_gan.py --device cuda
#
# The smallest GAN (Mescheder, Geiger and Nowozin 2018, "Which Training Methods for GANs do
# actually Converge?"): the data is a point at 0, the generator a point at theta, the discriminator
# D(x) = psi x (a logit). At the equilibrium (0, 0) the field v = (-dL_G/dtheta, -dL_D/dpsi) has
# the Jacobian [[0, 1/2], [-1/2, 0]], eigenvalues +-i/2: it rotates. Simultaneous steps spiral out
# (|eigenvalues| sqrt(1 + h^2/4) > 1 at every step size h), alternating steps circle (determinant
# 1), and only the R1 penalty gamma/2 psi^2 converges (real parts -gamma/2); WGAN-GP pulls |dD/dx|
# towards 1, away from the flat D that the equilibrium needs. The non-saturating loss adds a weak
# inward pull: simultaneous steps settle on a cycle, alternating ones creep in like 1/sqrt(steps).
# The derivation, step by step: docs/dirac_gan.md. Writes dirac_gan.png (the paths on the field),
# distance.png (the distance to (0, 0) at each step) and metrics.json into --out.

# %%
import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from dirac_report import compare, plot_distances, plot_paths, write_metrics  # beside this file

import tinygan
from tinygan.gan import gradient_penalty, objective, r1_penalty

F64 = tinygan.float64  # float64 so that distances down to 1e-10 still mean something
START = (1.0, 1.0)  # every run starts at (theta, psi) = (1, 1), sqrt(2) from the equilibrium
GAMES = {"minimax": "minimax (zero-sum) game", "non_saturating": "non-saturating generator"}


# %% The game at n points (theta_i, psi_i) at once, each a Dirac GAN of its own: one call gives
# the field along a training run (n = 1) or over a whole grid of the plane.
def velocity(game, theta, psi, penalty=None, create_graph=False):
    """v = (-dL_G/dtheta, -dL_D/dpsi): where gradient descent moves each player."""
    n = theta.shape[0]
    fake = theta.reshape(n, 1)  # the generator's output: a Dirac at theta, whatever z is
    weight = psi.reshape(n, 1)  # the discriminator's one parameter

    def discriminator(x):  # D(x) = psi x, a logit; x holds one sample for each game
        return weight * x

    real = tinygan.zeros(n, 1, dtype=F64, device=fake.device)  # the data: a Dirac at 0
    gan = objective(game)
    d_loss = gan.discriminator_loss(discriminator(real), discriminator(fake))
    if penalty is not None:
        d_loss = d_loss + penalty(discriminator, real, fake)
    g_loss = gan.generator_loss(discriminator(fake))
    # The losses are means: n times the mean of n independent games is their sum, whose gradient
    # in theta_i or psi_i is game i's own. Each gradient holds the other player fixed, so it is
    # taken at the node that player owns (fake = theta, so dL_G/dtheta = dL_G/dG(z)).
    (g_grad,) = tinygan.grad(n * g_loss, fake, create_graph=create_graph)
    (d_grad,) = tinygan.grad(n * d_loss, weight, create_graph=create_graph)
    return -g_grad.reshape(n), -d_grad.reshape(n)


# %% One step as a function of (theta, psi) rather than optim.SGD (the same arithmetic): a
# function can itself be differentiated, which gives the Jacobian of a training step.
def step(game, method, theta, psi, lr, penalty=None, create_graph=False):
    if method == "alternating":  # D moves first; G then answers the discriminator it faces
        psi = psi + lr * velocity(game, theta, psi, create_graph=create_graph)[1]
        return theta + lr * velocity(game, theta, psi, create_graph=create_graph)[0], psi
    v_theta, v_psi = velocity(game, theta, psi, penalty, create_graph)
    return theta + lr * v_theta, psi + lr * v_psi  # both players move from the same point


def train(game, method, iters, lr, penalty, device):
    """The points (theta, psi) visited by iters steps from START: an (iters + 1, 2) array."""
    theta, psi = (tinygan.tensor([s], dtype=F64, device=device) for s in START)
    path = [tinygan.cat([theta, psi])]
    for _ in range(iters):
        theta, psi = step(game, method, theta.requires_grad_(), psi.requires_grad_(), lr, penalty)
        theta, psi = theta.detach(), psi.detach()  # each step starts a fresh graph
        path.append(tinygan.cat([theta, psi]))
    return tinygan.stack(path).numpy()  # one copy to the host, at the end


# %% Theory: Jacobians at the equilibrium by differentiating gradients (create_graph=True),
# beside the matrices derived by hand (docs/dirac_gan.md).
def jacobian(function, device):
    """The 2 x 2 matrix d(function(theta, psi))/d(theta, psi) at (0, 0), on the host."""
    theta, psi = (tinygan.zeros(1, dtype=F64, device=device, requires_grad=True) for _ in "tp")
    outputs = function(theta, psi, create_graph=True)  # gradients that can be differentiated
    rows = [tinygan.grad(y.sum(), [theta, psi], retain_graph=True) for y in outputs]
    return np.array([[d.item() for d in row] for row in rows])


def theory(game, lr, gamma, penalties, device):
    """The Jacobians at (0, 0) of the field and of each step, by tinygan and by hand."""
    field = np.array([[0.0, 0.5], [-0.5, 0.0]])  # the same for both games
    derived = {
        "simultaneous": np.eye(2) + lr * field,  # x + h v(x)
        # psi' = psi - h/2 theta, then theta' = theta + h/2 psi' = (1 - h^2/4) theta + h/2 psi
        "alternating": np.array([[1 - lr * lr / 4, lr / 2], [-lr / 2, 1.0]]),
        "r1": np.eye(2) + lr * (field - np.diag([0.0, gamma])),  # dL_D/dpsi gains gamma psi
    }  # WGAN-GP has none: lambda (|psi| - 1)^2 has a kink at psi = 0, where its slope jumps
    found = {"gradient_field": compare(jacobian(partial(velocity, game), device), field)}
    for method, matrix in derived.items():
        one_step = partial(step, game, method, lr=lr, penalty=penalties.get(method))
        found[f"{method}_step"] = compare(jacobian(one_step, device), matrix, step=True)
    return found


# %% 2 games x 4 methods from one start at one learning rate; the theory; pictures and numbers.
def main(argv=None):
    parser = argparse.ArgumentParser(description="The Dirac GAN of Mescheder et al. (2018).")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0, help="seeds WGAN-GP's random points")
    parser.add_argument("--iters", type=int, default=1000, help="training steps per run")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate h of both players")
    parser.add_argument("--r1", type=float, default=0.5, help="R1 weight gamma")
    parser.add_argument("--gp", type=float, default=0.1, help="WGAN-GP weight lambda")
    parser.add_argument("--out", default="runs/dirac_gan", help="folder for pictures and metrics")
    args = parser.parse_args(argv)
    tinygan.manual_seed(args.seed)  # (a linear D gives the same gradient at any point)
    methods = {
        "simultaneous": "simultaneous steps",
        "alternating": "alternating steps (D, then G)",
        "r1": f"simultaneous + R1 penalty (γ = {args.r1:g})",
        "gp": f"simultaneous + WGAN-GP penalty (λ = {args.gp:g})",
    }
    penalties = {  # added to L_D; on the Dirac GAN they are gamma/2 psi^2 and lambda (|psi| - 1)^2
        "r1": lambda d, real, fake: r1_penalty(d, real, weight=args.r1),  # |dD/dx|^2 at the data
        "gp": lambda d, real, fake: gradient_penalty(d, real, fake, weight=args.gp),
    }

    paths, seconds = {}, {}
    for game in GAMES:
        for method in methods:
            started = time.perf_counter()
            penalty = penalties.get(method)
            paths[game, method] = train(game, method, args.iters, args.lr, penalty, args.device)
            seconds[game, method] = time.perf_counter() - started
    found = {game: theory(game, args.lr, args.r1, penalties, args.device) for game in GAMES}

    def field(game, method, theta, psi):  # alternating steps follow the unpenalized field
        at = [
            tinygan.tensor(g.ravel(), dtype=F64, device=args.device, requires_grad=True)
            for g in (theta, psi)
        ]
        return [v.numpy().reshape(theta.shape) for v in velocity(game, *at, penalties.get(method))]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot_paths(paths, field, GAMES, methods, args.lr, out)
    plot_distances(paths, GAMES, methods, out)
    config = vars(args) | {"start": list(START)}
    write_metrics(out, config, paths, seconds, found, GAMES, methods)


# %%
if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main([] if "ipykernel" in sys.modules else None)
