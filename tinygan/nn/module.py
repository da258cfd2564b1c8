"""Module: the base class of every layer and model.

A Module keeps three ordered registries, filled by plain attribute assignment:
parameters (``self.weight = Parameter(...)``), buffers (state that is saved but not trained,
like batch norm's running mean: ``self.register_buffer(...)``) and submodules
(``self.fc = Linear(...)``). Dicts keep insertion order, so parameters come out in the same
order in every run and interpreter, which is what makes optimizer state and checkpoints line up.
"""

from __future__ import annotations

from collections import namedtuple

from .. import backend, dtypes
from ..functions.tensor_methods import to_arguments
from ..grad_mode import no_grad
from ..tensor import Tensor
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these registries to exist already
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        for hook in self._forward_pre_hooks:
            hook(self)
        return self.forward(*args, **kwargs)

    def register_forward_pre_hook(self, hook) -> RemovableHandle:
        """Call ``hook(module)`` before every forward (spectral_norm uses this); the returned
        handle's ``remove()`` takes the hook off again."""
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    # ---- registration -----------------------------------------------------------------------

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called; "
                "call super().__init__() first in your __init__"
            )
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif name in self._parameters or name in self._modules:
            if value is not None:
                kind, wanted = (
                    ("parameter", "Parameter")
                    if name in self._parameters
                    else ("submodule", "Module")
                )
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to {kind} {name!r} of "
                    f"{type(self).__name__}: use a {wanted} (or None)"
                )
            (self._parameters if name in self._parameters else self._modules)[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to buffer {name!r}: use a Tensor"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name) -> None:
        """Remove ``name`` from every registry and from the plain attributes."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the registries
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        _check_name(self, name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None")
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register state that moves with the module and (if persistent) is saved in its
        state_dict, but is not trained."""
        _check_name(self, name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None")
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        _check_name(self, name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None")
        self._modules[name] = module

    # ---- traversal --------------------------------------------------------------------------

    def named_modules(self, prefix: str = ""):
        """This module and all below it, each once, depth first in registration order."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True):
        """(name, parameter) pairs; a parameter shared by two layers is listed once."""
        yield from self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True):
        yield from self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def _named_members(self, registry, prefix, recurse):
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or id(member) in seen:
                    continue
                seen.add(id(member))
                yield (f"{module_name}.{name}" if module_name else name), member

    def apply(self, fn) -> Module:
        """Call ``fn`` on every submodule and then on this one (e.g. an initialization)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ----------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (batch statistics, dropout on) for this module and all below it."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode (running statistics, dropout off)."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                with no_grad():
                    param.grad.zero_()

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter, e.g. the discriminator during G's step."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def to(self, *args, device=None, dtype=None) -> Module:
        """Move parameters and buffers to ``device`` and/or cast floating ones to ``dtype``, in
        place: the Parameter objects stay the same, so an optimizer holding them still works."""
        device, dtype = to_arguments("Module.to", args, device, dtype)
        if dtype is not None and not dtypes.is_floating(dtype):
            raise TypeError(f"Module.to: only floating dtypes are allowed, got {dtype}")
        for tensor in [*self.parameters(), *self.buffers()]:
            _move_in_place(tensor, device, dtype)
            if tensor.grad is not None:
                _move_in_place(tensor.grad, device, dtype)
        return self

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self) -> Module:
        return self.to("cuda")

    # ---- state ------------------------------------------------------------------------------

    def state_dict(self) -> dict:
        """Every parameter and persistent buffer by dotted name, e.g. 'net.0.weight'.

        The values are detached tensors sharing memory with the module (as in PyTorch): save
        them, or copy them, before training further.
        """
        state = {}
        self._add_state(state, "")
        return state

    def _add_state(self, state: dict, prefix: str) -> None:
        # every path to a module gets its keys, as in PyTorch (a module used twice: twice)
        for name, param in self._parameters.items():
            if param is not None:
                state[prefix + name] = param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers:
                state[prefix + name] = buffer.detach()
        for name, child in self._modules.items():
            if child is not None:
                child._add_state(state, f"{prefix}{name}.")

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values into the existing parameters and buffers (on their own device).

        With ``strict``, missing and unexpected keys are errors; a shape or dtype mismatch is
        always an error, naming the key and both shapes or dtypes.
        """
        own = self.state_dict()
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        problems = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            source = state_dict[key]
            source_array = source.data if isinstance(source, Tensor) else source
            try:
                backend.get_array_module(source_array)
            except TypeError:
                problems.append(f"{key}: expected a Tensor or array, got {type(source).__name__}")
                continue
            if tuple(source_array.shape) != target.shape:
                problems.append(
                    f"{key}: shape {tuple(source_array.shape)} in the state dict, "
                    f"{target.shape} in the model"
                )
            elif source_array.dtype != target.dtype:
                problems.append(
                    f"{key}: dtype {source_array.dtype} in the state dict, {target.dtype} in "
                    "the model (convert the model or the state dict with .to(dtype))"
                )
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        if problems:
            raise RuntimeError(
                f"load_state_dict for {type(self).__name__}:\n  " + "\n  ".join(problems)
            )
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    source = state_dict[key]
                    source_array = source.data if isinstance(source, Tensor) else source
                    target.data[...] = backend.move(source_array, target.device)
                    target._version_counter[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ---------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The layer's settings, shown inside its parentheses by repr."""
        return ""

    def __repr__(self) -> str:
        children = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self._modules.items()
        ]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = ([self.extra_repr()] if self.extra_repr() else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class RemovableHandle:
    def __init__(self, hooks: list, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def _check_name(module, name) -> None:
    """A new registry entry must not shadow anything: two things under one name would make
    state_dict save one of them and silently drop the other."""
    if not isinstance(name, str) or not name or "." in name:
        raise KeyError(f"{type(module).__name__}: invalid name {name!r} (a non-empty str, no '.')")
    if hasattr(type(module), name):
        raise KeyError(f"{type(module).__name__}: {name!r} is already an attribute of the class")
    taken = (
        name in module.__dict__
        or name in module._parameters
        or name in module._buffers
        or name in module._modules
    )
    if taken:
        raise KeyError(f"{type(module).__name__}: attribute {name!r} already exists")


def _move_in_place(tensor: Tensor, device, dtype) -> None:
    array = tensor.data
    if device is not None:
        array = backend.move(array, device)
    if dtype is not None and dtypes.is_floating(array.dtype):
        array = array.astype(dtype, copy=False)
    if array is not tensor.data:
        tensor.data = array
        tensor._version_counter[0] += 1
