r"""RMSprop: divide each step by a running root-mean-square of the gradient.

Hinton's RMSprop (lecture 6e of his 2012 Coursera course) keeps an exponential average of g²
and steps by g / √avg, so every coordinate moves at about the same speed whatever its scale.
The original WGAN trains its critic with it. *Centered* RMSprop also averages g and divides by
an estimate of the gradient's standard deviation, √(avg(g²) - avg(g)²), instead. Unlike Adam
there is no bias correction: the first steps are large, about γ / √(1 - α).

PyTorch's rule, with learning rate γ, smoothing constant α, eps ε, weight decay λ and momentum
μ, for each parameter θ with gradient g:

    g ← -g                          if maximize
    g ← g + λ θ                     (L2 weight decay, when λ ≠ 0)
    v ← α v + (1 - α) g²
    ḡ ← α ḡ + (1 - α) g             (centered only)
    d ← √(v - ḡ²) + ε  if centered,  else  d ← √v + ε
    b ← μ b + g / d,   θ ← θ - γ b  if μ > 0,  else  θ ← θ - γ g / d
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import backend
from ..tensor import Tensor
from .optimizer import Optimizer, effective_grad, zeros_like


class RMSprop(Optimizer):
    """RMSprop: ``RMSprop(params, lr=5e-5)``, as the original WGAN's critic and generator.

    State per parameter: ``'step'`` (an int), ``'square_avg'`` (v), ``'momentum_buffer'``
    (b, when ``momentum > 0``) and ``'grad_avg'`` (ḡ, when ``centered``).
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ):
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        self._require(group["lr"] >= 0, "learning rate lr", group["lr"], "it must be >= 0")
        self._require(group["eps"] > 0, "eps", group["eps"], "it must be > 0")
        self._require(group["alpha"] >= 0, "alpha", group["alpha"], "it must be >= 0")
        self._require(group["momentum"] >= 0, "momentum", group["momentum"], "it must be >= 0")
        self._require(
            group["weight_decay"] >= 0, "weight_decay", group["weight_decay"], "it must be >= 0"
        )

    def _prepare(self, param, state: dict, group: dict) -> dict:
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(param)
        if group["momentum"] > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = zeros_like(param)
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = zeros_like(param)
        state["step"] += 1
        return state

    def _update(self, param, grad, state: dict, group: dict) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        xp = backend.get_array_module(param)
        grad = effective_grad(param, grad, group["weight_decay"], group["maximize"])
        square_avg = state["square_avg"]
        # One scratch array, reused, instead of a temporary for every operation below.
        scratch = xp.empty_like(param)

        # v ← α v + (1 - α) g²
        square_avg *= alpha
        xp.multiply(grad, grad, out=scratch)
        scratch *= 1 - alpha
        square_avg += scratch

        if group["centered"]:
            # ḡ ← α ḡ + (1 - α) g
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += xp.multiply(1 - alpha, grad, out=scratch)
            # d ← √(v - ḡ²) + ε
            denom = xp.multiply(grad_avg, grad_avg, out=scratch)
            xp.subtract(square_avg, denom, out=denom)
            xp.sqrt(denom, out=denom)
        else:
            # d ← √v + ε
            denom = xp.sqrt(square_avg, out=scratch)
        denom += eps

        if momentum > 0:
            # b ← μ b + g / d,  θ ← θ - γ b
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += xp.divide(grad, denom, out=denom)
            param -= xp.multiply(lr, buf, out=scratch)
        else:
            # θ ← θ - γ g / d
            update = xp.divide(grad, denom, out=denom)
            update *= lr
            param -= update
