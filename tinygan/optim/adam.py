r"""Adam and AdamW: steps scaled by running estimates of the gradient's first two moments.

Adam (Kingma & Ba, 2015) keeps an exponential average of the gradient, m, and of its square, v.
The step is m / √v: about γ in size whatever the gradient's scale, in each coordinate
separately, which is why Adam with lr 2e-4 and β1 = 0.5 is the default for GANs (DCGAN).
Both averages start at zero, so early on they are too small; dividing by 1 - βᵗ corrects that.

PyTorch's rule, with learning rate γ, betas (β1, β2), eps ε and weight decay λ, for each
parameter θ with gradient g, at step t = 1, 2, ...:

    g ← -g                              if maximize
    g ← g + λ θ                         (Adam: L2 weight decay, through the gradient)
    θ ← θ (1 - γ λ)                     (AdamW instead: decoupled weight decay)
    m ← β1 m + (1 - β1) g
    v ← β2 v + (1 - β2) g²
    v_max ← max(v_max, v)               (amsgrad only: the largest v so far)
    θ ← θ - γ / (1 - β1ᵗ) · m / (√v / √(1 - β2ᵗ) + ε)      (√v_max in place of √v with amsgrad)

Note where ε goes: it is added after the bias correction of √v, as in the paper's Algorithm 1
(m̂ / (√v̂ + ε)) and in PyTorch, not to the uncorrected √v as in the paper's "more efficient"
variant; the two differ when ε is not tiny next to √v. AdamW (Loshchilov & Hutter, 2019) shrinks
the weights directly instead of adding λ θ to the gradient, so that the decay is not rescaled
by 1/√v; its default λ is 1e-2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .. import backend
from ..tensor import Tensor
from .optimizer import Optimizer, effective_grad, zeros_like


class Adam(Optimizer):
    """Adam: ``Adam(params, lr=2e-4, betas=(0.5, 0.999))``, as DCGAN trains both networks.

    State per parameter: ``'step'`` (an int), ``'exp_avg'`` (m), ``'exp_avg_sq'`` (v) and,
    with ``amsgrad``, ``'max_exp_avg_sq'``.
    """

    _decoupled_weight_decay = False  # AdamW sets it

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ):
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict) -> None:
        self._require(group["lr"] >= 0, "learning rate lr", group["lr"], "it must be >= 0")
        self._require(group["eps"] > 0, "eps", group["eps"], "it must be > 0")
        beta1, beta2 = group["betas"]
        self._require(0 <= beta1 < 1, "beta1 (betas[0])", beta1, "it must be in [0, 1)")
        self._require(0 <= beta2 < 1, "beta2 (betas[1])", beta2, "it must be in [0, 1)")
        self._require(
            group["weight_decay"] >= 0, "weight_decay", group["weight_decay"], "it must be >= 0"
        )

    def _prepare(self, param, state: dict, group: dict) -> dict:
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like(param)
            state["exp_avg_sq"] = zeros_like(param)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = zeros_like(param)
        state["step"] += 1
        step = state["step"]
        beta1, beta2 = group["betas"]
        # θ ← θ - γ / (1 - β1ᵗ) · m / (√v / √(1 - β2ᵗ) + ε), with both sides of the fraction
        # multiplied by c = √(1 - β2ᵗ) so that c moves into two scalars, a pass saved:
        # θ ← θ - (γ c / (1 - β1ᵗ)) · m / (√v + ε c)
        correction = math.sqrt(1 - beta2**step)
        step_size = group["lr"] * correction / (1 - beta1**step)
        return {**state, "step_size": step_size, "eps_correction": group["eps"] * correction}

    def _update(self, param, grad, state: dict, group: dict) -> None:
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        xp = backend.get_array_module(param)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]

        if self._decoupled_weight_decay:
            # θ ← θ (1 - γ λ)
            param *= 1 - lr * weight_decay
            grad = effective_grad(param, grad, 0, group["maximize"])
        else:
            grad = effective_grad(param, grad, weight_decay, group["maximize"])

        # One scratch array, reused, instead of a temporary for every operation below.
        scratch = xp.empty_like(param)

        # m ← β1 m + (1 - β1) g
        exp_avg *= beta1
        exp_avg += xp.multiply(1 - beta1, grad, out=scratch)
        # v ← β2 v + (1 - β2) g²
        exp_avg_sq *= beta2
        xp.multiply(grad, grad, out=scratch)
        scratch *= 1 - beta2
        exp_avg_sq += scratch

        if group["amsgrad"]:
            # v_max ← max(v_max, v)
            max_exp_avg_sq = state["max_exp_avg_sq"]
            xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            second_moment = max_exp_avg_sq
        else:
            second_moment = exp_avg_sq

        # θ ← θ - (γ c / (1 - β1ᵗ)) · m / (√v + ε c), the scalars from _prepare
        denom = xp.sqrt(second_moment, out=scratch)
        denom += state["eps_correction"]
        update = xp.divide(exp_avg, denom, out=scratch)
        update *= state["step_size"]
        param -= update


class AdamW(Adam):
    """Adam with decoupled weight decay: ``θ ← θ (1 - γ λ)`` before each Adam step.

    The same state as Adam; ``weight_decay`` defaults to 1e-2.
    """

    _decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
