"""The layers of tinygan, bottom to top, and the rule that holds them: a module imports only
from its own layer or the layers below it, and no two modules import each other, even by
way of others. ``tests/test_layers.py`` checks the rule; ``tools/layer_sizes.py`` prints how
big each layer is.

A lazy import inside a function counts as an arrow too: the rule reads every ``import`` in a
file, wherever it stands.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "tinygan"

# (layer name, the modules and packages in it), from the bottom up. The package's own
# __init__ sits on top of them all: it gathers the public names.
LAYERS = [
    ("backend", ["backend", "dtypes", "grad_mode", "memory", "random"]),
    ("tensor", ["tensor"]),
    ("engine", ["function", "engine", "anomaly"]),
    ("functions", ["functions", "creation", "gradcheck", "serialization"]),
    ("nn", ["nn"]),
    ("optim", ["optim"]),
    ("gan", ["gan"]),
    ("data, metrics, plots", ["data", "metrics", "plots"]),
]

# What the issue calls the engine core: the files a reader must hold in mind to follow backward.
ENGINE_CORE = ["tensor", "function", "engine", "grad_mode"]


def module_files() -> dict[str, Path]:
    """Every module of the package, by dotted name ('tinygan.nn.conv' -> its file)."""
    files = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def layer_of(module: str) -> int | None:
    """Index of the layer holding ``module`` ('tinygan.nn.conv' -> nn's), None for the top."""
    parts = module.split(".")
    if len(parts) == 1:
        return None  # tinygan/__init__.py
    for index, (_, members) in enumerate(LAYERS):
        if parts[1] in members:
            return index
    raise LookupError(f"{module} is in no layer: add it to LAYERS in tools/layers.py")


def imports_of(module: str, path: Path, modules) -> set[str]:
    """The tinygan modules (of ``modules``) that ``module`` imports, anywhere in its file."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: `from ..nn import init` in tinygan/gan/x.py
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import nn` names a module, `import Tensor` a value
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in modules else target)
    return {name for name in found if name in modules and name != module}


def import_graph() -> dict[str, set[str]]:
    """module -> the tinygan modules it imports."""
    modules = module_files()
    return {module: imports_of(module, path, modules) for module, path in modules.items()}
