"""Spectral normalization (Miyato et al. 2018, SN-GAN): divide a layer's weight by its largest
singular value sigma, so that the layer is at most 1-Lipschitz and the discriminator cannot
become arbitrarily steep.

sigma is estimated by power iteration: with u and v the current guesses of the top singular
vectors of the weight matrix W, one step is v <- W^T u / |W^T u|, u <- W v / |W v|, and
sigma = u^T W v. The guesses are kept between forwards (as buffers), so one step per training
forward is enough to track W as it changes slowly.
"""

from __future__ import annotations

from ...backend import get_array_module
from ...creation import zeros
from ...grad_mode import no_grad
from ...tensor import Tensor
from .. import init
from ..conv import ConvTranspose2d
from ..module import Module


class _SpectralNorm:
    """The forward pre-hook that recomputes ``module.weight`` from ``module.weight_orig``."""

    def __init__(self, name, n_power_iterations, dim, eps):
        self.name = name
        self.n_power_iterations = n_power_iterations
        self.dim = dim
        self.eps = eps

    def matrix(self, weight):
        """The weight as a matrix [size of dim, all the other dims]: the same layout for the
        Tensor (for sigma, in the graph) and for its raw array (for the power iteration)."""
        others = [d for d in range(weight.ndim) if d != self.dim]
        return weight.permute(self.dim, *others).reshape(weight.shape[self.dim], -1)

    def power_iteration(self, module, steps) -> None:
        """Improve the singular-vector guesses u and v in place."""
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        with no_grad():
            matrix = self.matrix(getattr(module, self.name + "_orig")).data
        xp = get_array_module(matrix)
        u_array, v_array = u.data, v.data
        for _ in range(steps):
            v_array = matrix.T @ u_array
            v_array = v_array / xp.maximum(xp.linalg.norm(v_array), self.eps)
            u_array = matrix @ v_array
            u_array = u_array / xp.maximum(xp.linalg.norm(u_array), self.eps)
        with no_grad():
            u.copy_(Tensor._from_array(u_array))
            v.copy_(Tensor._from_array(v_array))

    def set_weight(self, module) -> None:
        """module.<name> = weight_orig / sigma, with sigma = u^T W v differentiable in W."""
        weight = getattr(module, self.name + "_orig")
        # u and v enter as constants: copies, so that the next forward's in-place update of
        # the buffers cannot invalidate a graph that is still waiting for its backward
        u = Tensor._from_array(getattr(module, self.name + "_u").data.copy())
        v = Tensor._from_array(getattr(module, self.name + "_v").data.copy())
        sigma = (u * (self.matrix(weight) @ v)).sum()
        object.__setattr__(module, self.name, weight / sigma)

    def __call__(self, module) -> None:
        if module.training:
            self.power_iteration(module, self.n_power_iterations)
        self.set_weight(module)


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    """Reparametrize ``module.<name>`` as weight_orig / sigma(weight_orig); returns the module.

    The trained parameter becomes ``<name>_orig``; ``<name>_u`` and ``<name>_v`` are buffers.
    ``dim`` is the output dimension of the weight: 0, or 1 for transposed convolutions. The
    guesses start from 15 power-iteration steps on a random vector, so sigma is accurate from
    the first forward. Initialize the weight before wrapping, or fill ``<name>_orig`` afterwards
    (as the DCGAN recipe in demos/mnist_common.py does).
    """
    weight = module._parameters.get(name)
    if weight is None:
        raise ValueError(f"spectral_norm: {type(module).__name__} has no parameter {name!r}")
    if not isinstance(n_power_iterations, int) or n_power_iterations < 1:
        raise ValueError(
            f"spectral_norm: n_power_iterations must be an int >= 1, got {n_power_iterations!r}"
        )
    if dim is None:
        dim = 1 if isinstance(module, ConvTranspose2d) else 0
    if not -weight.ndim <= dim < weight.ndim:
        raise ValueError(f"spectral_norm: dim {dim} is out of range for weight {weight.shape}")
    hook = _SpectralNorm(name, n_power_iterations, dim % weight.ndim, eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", weight)
    rows, columns = hook.matrix(weight).shape
    for buffer, size in (("_u", rows), ("_v", columns)):
        start = init.normal_(zeros(size, dtype=weight.dtype, device=weight.device))
        module.register_buffer(name + buffer, start)
    hook.power_iteration(module, 15)
    with no_grad():
        hook.set_weight(module)  # so that module.<name> exists before the first forward
    module.register_forward_pre_hook(hook)
    return module
