"""BatchNorm1d and BatchNorm2d: normalize each channel with the batch's statistics while
training, and with running estimates of them in evaluation."""

from __future__ import annotations

from .. import dtypes
from ..creation import ones, tensor, zeros
from ..functions import batch_norm
from ..grad_mode import no_grad
from ._validate import flag, positive_int, positive_number, probability
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    input_dims: tuple  # the input ranks the layer accepts

    def __init__(
        self,
        num_features: int,
        *,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__()
        layer = type(self).__name__
        self.num_features = positive_int(layer, "num_features", num_features)
        self.eps = positive_number(layer, "eps", eps)
        self.momentum = probability(layer, "momentum", momentum)
        self.affine = flag(layer, "affine", affine)
        self.track_running_stats = flag(layer, "track_running_stats", track_running_stats)
        dtype = dtype or dtypes.get_default_dtype()
        if affine:
            self.weight = Parameter(ones(num_features, dtype=dtype, device=device))
            self.bias = Parameter(zeros(num_features, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", tensor(0, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, input):
        if input.ndim not in self.input_dims:
            raise ValueError(
                f"{type(self).__name__}: expected a {' or '.join(map(str, self.input_dims))}-D "
                f"input, got shape {input.shape}"
            )
        use_batch_stats = self.training or not self.track_running_stats
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
        return batch_norm(
            input,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            use_batch_stats,
            self.momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """For [N, C] or [N, C, L] inputs."""

    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """For [N, C, H, W] inputs."""

    input_dims = (4,)
