"""Optimizer: what every update rule shares (parameter groups, per-parameter state, checkpoints).

An optimizer holds the parameters it changes in *parameter groups*: lists of tensors that share
hyperparameters, so that, say, a generator's last layer can learn at a different rate. For each
parameter it keeps *state* (a step count, running averages of the gradient) that the update
rule reads and writes. ``step()`` walks every parameter that has a gradient and applies the
rule; subclasses write the rule, in ``_update``, on raw arrays, and what it does once per
parameter and step (create the state, count the step) in ``_prepare``. The element-wise update
runs over cache-sized tiles of the parameters, on several threads on the CPU (tiles.py).

The updates happen in place on ``param.data`` under ``no_grad()``, as in PyTorch: a model keeps
pointing at the same tensors, and the parameter's version counter is bumped so that backward
through a graph recorded before the step refuses to run instead of using the new values.

``state_dict()`` and ``load_state_dict()`` follow PyTorch's format, so a checkpoint refers to
parameters by their position (counted across groups in order), never by identity. It also names
the optimizer that saved it, so that another kind refuses to load it:

    {'optimizer': 'Adam',
     'state': {0: {'step': 3, 'exp_avg': tensor(...), ...}, ...},
     'param_groups': [{'lr': 0.001, 'betas': (0.9, 0.999), ..., 'params': [0, 1, 2]}, ...]}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from .. import backend, dtypes
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from . import tiles


class Optimizer:
    """Base class of the optimizers: holds ``param_groups`` and ``state``; runs ``step()``.

    ``params`` is an iterable of tensors, or of dicts (one parameter group each) with a
    ``'params'`` entry and hyperparameters that override ``defaults`` for that group::

        Adam([{'params': generator_params}, {'params': head_params, 'lr': 1e-4}], lr=2e-4)
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict):
        self.defaults = dict(defaults)
        self._check_hyperparameters(self.defaults)
        # state[param] is a dict of that parameter's buffers. Keyed by the tensor itself: tensors
        # hash by identity, so two parameters with equal values never share state.
        self.state: defaultdict[Tensor, dict] = defaultdict(dict)
        self.param_groups: list[dict] = []

        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params should be an iterable of Tensors or dicts, but got a "
                "single Tensor; write [tensor]"
            )
        param_groups = list(params)
        if not param_groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    # ---- parameter groups --------------------------------------------------------------------

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters (``{'params': [...], 'lr': ...}``) with its own
        hyperparameters; those it leaves out come from the optimizer's defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{self._name}: a parameter group must be a dict, got {type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            # The order of a set changes from run to run, and so would the state_dict indices.
            raise TypeError(
                f"{self._name}: parameters must be given in an ordered collection such as a "
                "list, not a set (a set's order, and so the checkpoint's, changes between runs)"
            )
        params = list(params)

        seen = {p for group in self.param_groups for p in group["params"]}
        for index, param in enumerate(params):
            self._check_param(param, index)
            if param in seen:
                raise ValueError(
                    f"{self._name}: parameter {index} of the new group (shape {param.shape}) is "
                    "already optimized (given twice, in this group or in an earlier one)"
                )
            seen.add(param)

        group = {**self.defaults, **param_group, "params": params}
        self._check_hyperparameters(group)
        self.param_groups.append(group)

    def _check_param(self, param, index: int) -> None:
        if not isinstance(param, Tensor):
            raise TypeError(
                f"{self._name}: can only optimize Tensors, but parameter {index} is a "
                f"{type(param).__name__}"
            )
        if not dtypes.is_floating(param.dtype):
            raise TypeError(
                f"{self._name}: can only optimize floating point tensors, but parameter {index} "
                f"has dtype {param.dtype}"
            )
        if not param.is_leaf:
            raise ValueError(
                f"{self._name}: can't optimize a non-leaf tensor (parameter {index}, made by "
                f"{type(param.grad_fn).__name__}); optimize the leaf it was computed from"
            )
        if not param.requires_grad:
            raise ValueError(
                f"{self._name}: parameter {index} (shape {param.shape}) does not require grad, "
                "so it would never get a gradient; create it with requires_grad=True"
            )

    def _check_hyperparameters(self, group: dict) -> None:
        """Raise ValueError for out-of-range hyperparameters (subclasses list their own)."""

    def _require(self, ok: bool, name: str, value, rule: str) -> None:
        """The error message for one bad hyperparameter: optimizer, name, value and rule."""
        if not ok:
            raise ValueError(f"{self._name}: invalid {name}={value!r}; {rule}")

    # ---- the step ----------------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients before the next backward (which would add to them).

        ``set_to_none=True`` (the default, as in PyTorch) drops them, which saves memory and
        lets ``step()`` skip parameters that get no new gradient; ``False`` zeroes them in place.
        """
        for group in self.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                    continue
                if grad.grad_fn is not None or grad.requires_grad:
                    grad = param.grad = grad.detach()  # a gradient from create_graph=True
                grad.data[...] = 0
                grad._version_counter[0] += 1

    def step(self, closure: Callable[[], Tensor] | None = None):
        """Update every parameter that has a gradient, in place; return ``closure()``'s loss.

        ``closure``, when given, recomputes the loss and its gradients (zero_grad, forward,
        backward) and is called with grad mode on, before the update.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            work = []
            for group in self.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    state = self.state.get(param, {})
                    _follow_parameter(state, param)
                    this_step = self._prepare(param.data, state, group)
                    if state:  # (plain SGD keeps none)
                        self.state[param] = state
                    work.append((param.data, param.grad.data, this_step, group))
                    # The values change in place: a graph recorded before this step that saved
                    # the parameter for its backward must now refuse to run (see engine.py).
                    param._version_counter[0] += 1
            tiles.run(self._update, work)
        return loss

    def _prepare(self, param, state: dict, group: dict) -> dict:
        """What a rule does once per parameter and step, before its element-wise update:
        create the state it lacks, count the step, and return the state plus the numbers this
        step's update reads (say, a bias correction). ``param`` is the raw array."""
        return state

    def _update(self, param, grad, state: dict, group: dict) -> None:
        """Apply the update rule, element-wise and in place, to ``param``: raw arrays (NumPy or
        CuPy) of a parameter or of a tile of it (see tiles.py), ``grad`` the same part of its
        gradient (read only), ``state`` what ``_prepare`` returned with its tensors as arrays
        (the same part of them), ``group`` the hyperparameters. Change ``param`` and the state
        arrays in place; allocate nothing bigger than ``param``."""
        raise NotImplementedError

    # ---- checkpoints -------------------------------------------------------------------------

    def state_dict(self) -> dict:
        """The optimizer's state, with parameters replaced by their index across the groups.

        As in PyTorch, the state tensors are the optimizer's own, not copies: the next
        ``step()`` changes them. Save or copy them before stepping again if you need a snapshot.
        """
        index_of = {}
        param_groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index_of.setdefault(p, len(index_of)) for p in group["params"]]
            param_groups.append(packed)
        state = {
            index_of[param]: dict(param_state)
            for param, param_state in self.state.items()
            if param in index_of
        }
        return {"optimizer": self._name, "state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take the state and hyperparameters of a ``state_dict()`` (from this optimizer or
        one over other parameters of the same shapes).

        Every state tensor is copied to its parameter's device and dtype, so the optimizer
        never shares memory with ``state_dict``. Everything is checked before anything changes.
        """
        where = f"{self._name}.load_state_dict"
        self._check_made_by_this_kind(state_dict, where)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: the state dict has {len(saved_groups)} parameter group(s), but this "
                f"optimizer has {len(self.param_groups)}"
            )
        param_of = {}  # saved index -> (parameter, group number)
        for number, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where}: parameter group {number} has {len(saved['params'])} parameter(s) "
                    f"in the state dict, but {len(group['params'])} in this optimizer"
                )
            for index, param in zip(saved["params"], group["params"]):
                param_of[index] = (param, number)

        new_state = defaultdict(dict)
        for index, saved_state in state_dict["state"].items():
            if index not in param_of:
                raise ValueError(
                    f"{where}: the state dict has state for parameter {index}, which none of its "
                    "parameter groups lists"
                )
            param, number = param_of[index]
            new_state[param] = {
                name: self._loaded_value(
                    name,
                    value,
                    param,
                    f"{where}: state {name!r} of parameter {index} (group {number})",
                )
                for name, value in saved_state.items()
            }

        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new_group = {**self.defaults, **saved, "params": group["params"]}
            self._check_hyperparameters(new_group)
            new_groups.append(new_group)

        self.state = new_state
        self.param_groups = new_groups

    def _check_made_by_this_kind(self, state_dict: dict, where: str) -> None:
        """Refuse the state of another optimizer: SGD would take Adam's learning rate and keep
        its moment estimates as if they were its own, without a word. A state dict from before
        the optimizer's name was recorded (or from PyTorch) is taken when its hyperparameter
        names are this optimizer's."""
        saved_by = state_dict.get("optimizer", self._name)
        if saved_by != self._name:
            raise ValueError(
                f"{where}: the state dict was saved by {saved_by}, not by {self._name}; load it "
                f"into a {saved_by} over the same parameters"
            )
        for number, (group, saved) in enumerate(zip(self.param_groups, state_dict["param_groups"])):
            unknown = sorted(set(saved) - set(group))
            missing = sorted(set(group) - set(saved))
            if unknown or missing:
                raise ValueError(
                    f"{where}: parameter group {number} of the state dict has hyperparameters "
                    f"{unknown} that {self._name} does not have, and lacks {missing}; it was "
                    "saved by another optimizer"
                )

    @staticmethod
    def _loaded_value(name: str, value, param: Tensor, what: str):
        """A saved state entry as this optimizer keeps it: the step count as an int, tensors as
        copies on the parameter's device (floating ones in its dtype), anything else as is."""
        if name == "step":  # PyTorch saves it as a 0-d float tensor; tinygan counts in an int
            return int(value.item() if isinstance(value, Tensor) else value)
        if not isinstance(value, Tensor):
            return value
        if value.shape != param.shape:
            raise ValueError(
                f"{what} has shape {value.shape}, but the parameter has shape {param.shape}"
            )
        dtype = param.dtype if dtypes.is_floating(value.dtype) else value.dtype
        return Tensor(backend.move(value.data, param.device).astype(dtype, copy=True))

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for number, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {number}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def effective_grad(param, grad, weight_decay: float, maximize: bool):
    """The gradient the rule follows: negated to maximize, plus L2 weight decay ``λ θ``.

    Never changes ``grad`` itself (it is the parameter's ``.grad``); returns it as is when
    there is nothing to add, else a new array of the parameter's dtype.
    """
    if not maximize and weight_decay == 0:
        return grad
    grad = grad.copy()
    if maximize:
        grad *= -1
    if weight_decay != 0:
        # g ← g + λ θ
        grad += weight_decay * param
    return grad


def zeros_like(param) -> Tensor:
    """A zero buffer of the parameter's shape, dtype and device, as a state entry."""
    return Tensor(backend.get_array_module(param).zeros_like(param))


def _follow_parameter(state: dict, param: Tensor) -> None:
    """Keep the state on the parameter's device and in its dtype, also after the model was
    moved with ``Module.to`` once the optimizer had state (the buffers follow the parameter)."""
    for name, value in state.items():
        if isinstance(value, Tensor) and (
            type(value.data) is not type(param.data) or value.dtype != param.dtype
        ):
            moved = backend.move(value.data, param.device).astype(param.dtype, copy=False)
            state[name] = Tensor._from_array(moved)
