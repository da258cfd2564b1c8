"""Why plain GAN training circles instead of converging: the Dirac GAN of Mescheder et al. (2018).

    python demos/dirac_gan.py                 # CPU, about 10 seconds
    python demos/dirac_gan.py --device cuda

The smallest GAN there is ("Which Training Methods for GANs do actually Converge?", Mescheder,
Geiger and Nowozin 2018): the data is a single point at 0, the generator puts all its mass at
theta (G(z) = theta for every z) and the discriminator is linear, D(x) = psi x (a logit). The one
equilibrium is (theta, psi) = (0, 0): the generator on the data, a discriminator that cannot tell.

The paper's argument, in four sentences. At the equilibrium the Jacobian of the gradient vector
field v = (-dL_G/dtheta, -dL_D/dpsi) is J = [[0, 1/2], [-1/2, 0]] (1/2 = sigmoid(0); the paper
writes [[0, -f'(0)], [f'(0), 0]], its D scoring the fakes high, which flips psi's sign), whose
eigenvalues +-i/2 are purely imaginary: the dynamics rotate about (0, 0) and nothing pulls them
in. A simultaneous step x + h v has the Jacobian I + h J, with eigenvalues 1 +- ih/2 of modulus
sqrt(1 + h^2/4) > 1 for every learning rate h, so it spirals outwards; alternating steps have
determinant 1 and circle. The R1 penalty gamma/2 E|dD/dx|^2 on real data (here gamma/2 psi^2)
puts -gamma in J's corner, the eigenvalues get real part -gamma/2, and training converges. The
WGAN-GP penalty instead pulls |dD/dx| towards 1, away from the flat discriminator (psi = 0) that
the equilibrium needs, and does not converge.

Two games are played. In the zero-sum minimax game of the paper the continuous flow keeps
|x|^2 = theta^2 + psi^2 constant, so each simultaneous step adds exactly h^2 |v|^2 to it. The
non-saturating generator loss, the one GANs are trained with, has the same J but a weak inward
pull beyond it, d|x|^2/dt = -2 t tanh(t/2) with t = theta psi, of fourth order in |x|: strong
enough to stop the outward spiral, too weak to reach the equilibrium at a fixed step size.
Simultaneous steps settle onto a cycle (radius 0.45 at h = 0.1) where the pull balances the
outward h^2 |v|^2; alternating steps creep inwards like 1/sqrt(steps) (0.03 after 100,000).
Only the R1 penalty converges, and at a linear rate.

Writes dirac_gan.png (the trajectories on the vector field), distance.png (the distance to the
equilibrium at each step) and metrics.json into --out.
"""

import argparse
import json
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import tinygan
from tinygan.gan import gradient_penalty, objective, r1_penalty

matplotlib.use("Agg")  # draw to files; no display needed

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument(
    "--seed", type=int, default=0, help="seeds WGAN-GP's random points (a linear D ignores them)"
)
parser.add_argument("--iters", type=int, default=1000, help="training steps per run")
parser.add_argument("--lr", type=float, default=0.1, help="learning rate h of both players")
parser.add_argument("--r1", type=float, default=0.5, help="R1 weight gamma")
parser.add_argument("--gp", type=float, default=0.1, help="WGAN-GP weight lambda")
parser.add_argument("--out", default="runs/dirac_gan", help="folder for pictures and metrics")
args = parser.parse_args()
tinygan.manual_seed(args.seed)

F64 = tinygan.float64  # float64 so that distances down to 1e-10 still mean something
START = (1.0, 1.0)  # every run starts at (theta, psi) = (1, 1), sqrt(2) from the equilibrium
GAMES = {"minimax": "minimax (zero-sum) game", "non_saturating": "non-saturating generator"}
METHODS = {
    "simultaneous": "simultaneous steps",
    "alternating": "alternating steps (D, then G)",
    "r1": f"simultaneous + R1 penalty (γ = {args.r1:g})",
    "gp": f"simultaneous + WGAN-GP penalty (λ = {args.gp:g})",
}
PENALTIES = {"simultaneous": None, "alternating": None, "r1": "r1", "gp": "gp"}


# The game, at n points (theta_i, psi_i) at once: each point is a Dirac GAN of its own, so one
# call gives the losses along a training run (n = 1) or over a whole grid of the plane.
def losses(game, fake, weight, penalty=None):
    """(L_G, L_D), summed over the n games, from the generators' outputs fake = theta and the
    discriminators' weights psi, both of shape (n, 1)."""
    n = fake.shape[0]

    def discriminator(x):  # D(x) = psi x, a logit; x holds one sample for each game
        return weight * x

    real = tinygan.zeros(n, 1, dtype=F64, device=fake.device)  # the data: a Dirac at 0
    gan = objective(game)
    d_loss = gan.discriminator_loss(discriminator(real), discriminator(fake))
    if penalty == "r1":  # gamma/2 |dD/dx|^2 at the data, = gamma/2 psi^2
        d_loss = d_loss + r1_penalty(discriminator, real, weight=args.r1)
    if penalty == "gp":  # lambda (|dD/dx| - 1)^2 between data and fakes, = lambda (|psi| - 1)^2
        d_loss = d_loss + gradient_penalty(discriminator, real, fake, weight=args.gp)
    g_loss = gan.generator_loss(discriminator(fake))
    # the library's losses are means over the batch; n times the mean of n independent games
    # is their sum, whose gradient in theta_i or psi_i is game i's own
    return n * g_loss, n * d_loss


def velocity(game, theta, psi, penalty=None, create_graph=False):
    """v = (-dL_G/dtheta, -dL_D/dpsi): where gradient descent moves each player."""
    n = theta.shape[0]
    fake = theta.reshape(n, 1)  # the generator's output: a Dirac at theta, whatever z is
    weight = psi.reshape(n, 1)  # the discriminator's one parameter
    g_loss, d_loss = losses(game, fake, weight, penalty)
    # Each player's gradient holds the other player fixed, so it is taken at the node that
    # player owns (fake = G(z) = theta, so dL_G/dtheta = dL_G/dG(z)): a gradient in theta itself
    # would also follow psi back to theta where psi was computed from theta, as in the
    # alternating step that is differentiated further down.
    (g_grad,) = tinygan.grad(g_loss, fake, create_graph=create_graph)
    (d_grad,) = tinygan.grad(d_loss, weight, create_graph=create_graph)
    return -g_grad.reshape(n), -d_grad.reshape(n)


# One training step, written as a function from (theta, psi) to the new (theta, psi) rather
# than with optim.SGD (whose in-place p -= lr * p.grad is the same arithmetic): a function can
# itself be differentiated, which gives the Jacobian of a training step further down.
def step(game, method, theta, psi, create_graph=False):
    h = args.lr
    if method == "alternating":
        # D moves first; G then answers the discriminator it actually faces
        psi = psi + h * velocity(game, theta, psi, create_graph=create_graph)[1]
        return theta + h * velocity(game, theta, psi, create_graph=create_graph)[0], psi
    v_theta, v_psi = velocity(game, theta, psi, PENALTIES[method], create_graph)
    return theta + h * v_theta, psi + h * v_psi  # both players move from the same point


def train(game, method):
    """The points (theta, psi) visited by args.iters steps from START: an (iters + 1, 2) array."""
    theta, psi = (tinygan.tensor([s], dtype=F64, device=args.device) for s in START)
    path = [tinygan.cat([theta, psi])]
    for _ in range(args.iters):
        theta, psi = step(game, method, theta.requires_grad_(), psi.requires_grad_())
        theta, psi = theta.detach(), psi.detach()  # each step starts a fresh graph
        path.append(tinygan.cat([theta, psi]))
    return tinygan.stack(path).numpy()  # one copy to the host, at the end


# Training: 2 games x 4 methods, from the same start with the same learning rate.
paths, seconds = {}, {}
for game in GAMES:
    for method in METHODS:
        started = time.perf_counter()
        paths[game, method] = train(game, method)
        seconds[game, method] = time.perf_counter() - started


# Theory: Jacobians at the equilibrium, by differentiating gradients (create_graph=True).
def jacobian(function):
    """The 2 x 2 matrix d(function(theta, psi))/d(theta, psi) at (0, 0), on the host."""
    theta = tinygan.zeros(1, dtype=F64, device=args.device, requires_grad=True)
    psi = tinygan.zeros(1, dtype=F64, device=args.device, requires_grad=True)
    outputs = function(theta, psi)
    rows = [tinygan.grad(y.sum(), [theta, psi], retain_graph=True) for y in outputs]
    return np.array([[d.item() for d in row] for row in rows])


# The same matrices derived by hand. With s = sigmoid and t = theta psi, the minimax game has
# v = (psi s(t), -theta s(t)) and the non-saturating one v = (psi s(-t), -theta s(t)); at (0, 0)
# every derivative of s(t) comes multiplied by theta or psi, leaving only s(0) = 1/2.
h, gamma = args.lr, args.r1
FIELD = np.array([[0.0, 0.5], [-0.5, 0.0]])  # the same for both games
STEPS = {
    "simultaneous": np.eye(2) + h * FIELD,  # x + h v(x)
    # psi' = psi - h/2 theta, then theta' = theta + h/2 psi' = (1 - h^2/4) theta + h/2 psi
    "alternating": np.array([[1 - h * h / 4, h / 2], [-h / 2, 1.0]]),
    "r1": np.eye(2) + h * (FIELD - np.diag([0.0, gamma])),  # dL_D/dpsi gains gamma psi
}


def eigenvalues(matrix):
    """Sorted by imaginary part, as [real, imaginary] pairs (JSON has no complex numbers)."""
    values = sorted(np.linalg.eigvals(matrix), key=lambda z: (z.imag, z.real))
    return [[float(z.real), float(z.imag)] for z in values]


theory = {}
for game in GAMES:
    field = jacobian(lambda theta, psi, game=game: velocity(game, theta, psi, create_graph=True))
    theory[game] = {
        "gradient_field": {
            "jacobian_tinygan": field.tolist(),
            "jacobian_analytic": FIELD.tolist(),
            "eigenvalues_tinygan": eigenvalues(field),
            "eigenvalues_analytic": eigenvalues(FIELD),
        }
    }
    for method, analytic in STEPS.items():
        numeric = jacobian(
            lambda theta, psi, game=game, method=method: step(
                game, method, theta, psi, create_graph=True
            )
        )
        theory[game][f"{method}_step"] = {
            "jacobian_tinygan": numeric.tolist(),
            "jacobian_analytic": analytic.tolist(),
            "eigenvalues_tinygan": eigenvalues(numeric),
            "eigenvalues_analytic": eigenvalues(analytic),
            # below 1: each step shrinks the distance near (0, 0); above 1: it grows it
            "spectral_radius": float(np.abs(np.linalg.eigvals(numeric)).max()),
        }
    # WGAN-GP has none: lambda (|psi| - 1)^2 has a kink at psi = 0, where its slope jumps.


# Pictures: each run's path on the vector field it follows (alternating steps follow the
# unpenalized one), computed by tinygan at every grid point in one call.
distance = {key: np.hypot(path[:, 0], path[:, 1]) for key, path in paths.items()}
reach = max(np.abs(path).max() for path in paths.values())
limit = max(2.0, np.ceil(reach * 1.05 * 2) / 2)  # [-2, 2]^2, wider when a run leaves it
ticks = np.linspace(-limit, limit, 41)
grid_theta, grid_psi = np.meshgrid(ticks, ticks)  # theta across, psi up

figure, axes = plt.subplots(2, 4, figsize=(18, 10), sharex=True, sharey=True, layout="constrained")
for row, (game, game_title) in enumerate(GAMES.items()):
    for column, (method, title) in enumerate(METHODS.items()):
        ax = axes[row, column]
        theta, psi = (
            tinygan.tensor(grid.ravel(), dtype=F64, device=args.device, requires_grad=True)
            for grid in (grid_theta, grid_psi)
        )
        v_theta, v_psi = velocity(game, theta, psi, PENALTIES[method])
        u, v = (g.numpy().reshape(grid_theta.shape) for g in (v_theta, v_psi))
        ax.streamplot(ticks, ticks, u, v, color="0.7", linewidth=0.7, density=1.1)
        path = paths[game, method]
        ax.plot(path[:, 0], path[:, 1], color=f"C{column}", linewidth=1.2)
        ax.plot(*path[0], "o", color=f"C{column}", label="start (1, 1)")
        ax.plot(*path[-1], "s", color=f"C{column}", label=f"after {args.iters} steps")
        ax.plot(0, 0, "*", color="black", markersize=13, label="equilibrium (0, 0)")
        d = distance[game, method]
        ax.set_title(f"{title}\ndistance to (0, 0): {d[0]:.2f} -> {d[-1]:.2g}", fontsize=10)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        if row == 1:
            ax.set_xlabel(r"$\theta$ (generator: a Dirac at $\theta$)")
        if column == 0:
            ax.set_ylabel(f"{game_title}\n" + r"$\psi$ (discriminator $D(x) = \psi x$)")
axes[0, 1].legend(loc="lower left", fontsize=8)
figure.suptitle(
    f"Dirac GAN: {args.iters} gradient steps of size {args.lr:g} on the field "
    r"$(-\partial L_G/\partial\theta,\ -\partial L_D/\partial\psi)$"
)
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
figure.savefig(out / "dirac_gan.png", dpi=110)

figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True, layout="constrained")
for ax, (game, game_title) in zip(axes, GAMES.items()):
    for column, (method, title) in enumerate(METHODS.items()):
        ax.semilogy(distance[game, method], color=f"C{column}", label=title)
    ax.axhline(1e-2, color="black", linestyle=":", linewidth=0.8, label="converged below 1e-2")
    ax.set_title(game_title)
    ax.set_xlabel("step")
axes[0].set_ylabel(r"distance to the equilibrium $\sqrt{\theta^2 + \psi^2}$")
axes[0].legend(fontsize=8)
figure.savefig(out / "distance.png", dpi=110)

# Numbers: where each run ended, and the theory that predicted it.
metrics = {
    "config": vars(args) | {"start": list(START)},
    "converged_below": 1e-2,
}
for game in GAMES:
    runs = {}
    for method in METHODS:
        d = distance[game, method]
        runs[method] = {
            "start_distance": float(d[0]),
            "halfway_distance": float(d[args.iters // 2]),
            "final_distance": float(d[-1]),
            "final_point": paths[game, method][-1].tolist(),
            "converged": bool(d[-1] < 1e-2),
            "seconds": round(seconds[game, method], 3),
        }
    metrics[game] = {"runs": runs, "theory": theory[game]}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")

for game, game_title in GAMES.items():
    print(f"{game_title}:")
    for method, title in METHODS.items():
        run = metrics[game]["runs"][method]
        print(
            f"  {title:45s} distance {run['start_distance']:.3f}"
            f" -> {run['halfway_distance']:.3g} (step {args.iters // 2})"
            f" -> {run['final_distance']:.3g}  converged: {run['converged']}"
        )
field = theory["minimax"]["gradient_field"]
print(f"Jacobian of v at (0, 0), by tinygan: {np.round(field['jacobian_tinygan'], 12).tolist()}")
values = ", ".join(f"{re + 0.0:.3g} {im:+.3g}i" for re, im in field["eigenvalues_tinygan"])
print(f"  eigenvalues {values}  (derived: +-i/2)")
print("largest |eigenvalue| of one step at (0, 0):")
for method, meaning in {"simultaneous": ">", "alternating": "=", "r1": "<"}.items():
    radius = theory["minimax"][f"{method}_step"]["spectral_radius"]
    print(f"  {method:12s} {radius:.6f}  ({meaning} 1)")
print(f"wrote {out / 'dirac_gan.png'}, {out / 'distance.png'} and {out / 'metrics.json'}")
