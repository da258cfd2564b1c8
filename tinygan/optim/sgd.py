r"""SGD: stochastic gradient descent, with optional momentum and Nesterov momentum.

Plain gradient descent steps against the gradient. Momentum keeps a running sum of past
gradients (the *velocity*) so that steps grow along directions the gradient keeps pointing to
and cancel across directions where it oscillates. PyTorch's rule, with learning rate γ, weight
decay λ, momentum μ and dampening τ, for each parameter θ with gradient g at step t:

    g ← -g                          if maximize
    g ← g + λ θ                     (L2 weight decay, when λ ≠ 0)
    b ← g                           at the first step (no dampening)
    b ← μ b + (1 - τ) g             at later steps    (when μ ≠ 0)
    g ← g + μ b  if nesterov,  else  g ← b
    θ ← θ - γ g

Note the momentum form: PyTorch (and tinygan) scale the whole velocity by γ at the step,
not each gradient as it enters the velocity, which differs from Sutskever et al. when γ changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import backend
from ..tensor import Tensor
from .optimizer import Optimizer, effective_grad, zeros_like


class SGD(Optimizer):
    """Stochastic gradient descent: ``SGD(params, lr=1e-3, momentum=0.9)``.

    State per parameter: ``'momentum_buffer'`` (only when ``momentum != 0``).
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        self._require(group["lr"] >= 0, "learning rate lr", group["lr"], "it must be >= 0")
        self._require(group["momentum"] >= 0, "momentum", group["momentum"], "it must be >= 0")
        self._require(
            group["weight_decay"] >= 0, "weight_decay", group["weight_decay"], "it must be >= 0"
        )
        self._require(
            not group["nesterov"] or (group["momentum"] > 0 and group["dampening"] == 0),
            "nesterov",
            group["nesterov"],
            f"Nesterov momentum needs momentum > 0 (got {group['momentum']}) and dampening = 0 "
            f"(got {group['dampening']})",
        )

    def _prepare(self, param, state: dict, group: dict) -> dict:
        if group["momentum"] == 0 or "momentum_buffer" in state:
            return state
        state["momentum_buffer"] = zeros_like(param)
        return {**state, "first_step": True}

    def _update(self, param, grad, state: dict, group: dict) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        xp = backend.get_array_module(param)
        grad = effective_grad(param, grad, group["weight_decay"], group["maximize"])
        # One scratch array, reused, instead of a temporary for every operation below.
        scratch = xp.empty_like(param)

        if momentum != 0:
            buf = state["momentum_buffer"]
            if state.get("first_step"):
                # b ← g at the first step: the velocity starts at the first gradient
                buf[...] = grad
            else:
                # b ← μ b + (1 - τ) g
                buf *= momentum
                buf += xp.multiply(1 - dampening, grad, out=scratch)
            if group["nesterov"]:
                # g ← g + μ b: look ahead along the velocity
                grad = xp.add(grad, xp.multiply(momentum, buf, out=scratch), out=scratch)
            else:
                grad = buf

        # θ ← θ - γ g
        param -= xp.multiply(lr, grad, out=scratch)
