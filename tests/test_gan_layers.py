"""tinygan.gan is a layer above the engine: it imports none of data, metrics or plots, imports
nothing inside functions, has no import cycles among its modules, and only fit.py meets tqdm."""

from __future__ import annotations

import ast
from pathlib import Path

import tinygan.gan

GAN = Path(tinygan.gan.__file__).parent
MODULES = {path.stem: ast.parse(path.read_text()) for path in sorted(GAN.glob("*.py"))}


def imports(tree, top_level_only=False):
    """The absolute name of every module ``tree`` imports: in tinygan/gan, ``from .x import y``
    is tinygan.gan.x and ``from .. import data`` is tinygan.data."""
    package = ["tinygan", "gan"]
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) + 1 - node.level])
            modules = [node.module] if node.module else [alias.name for alias in node.names]
            found += [f"{base}.{module}" for module in modules]
    return found


def test_gan_imports_no_data_metrics_or_plots():
    for name, tree in MODULES.items():
        for module in imports(tree):
            assert module.split(".")[:2] not in (
                ["tinygan", "data"],
                ["tinygan", "metrics"],
                ["tinygan", "plots"],
            ), (name, module)


def test_gan_modules_import_only_at_the_top():
    for name, tree in MODULES.items():
        assert len(imports(tree)) == len(imports(tree, top_level_only=True)), name


def test_only_the_fit_loop_imports_tqdm():
    users = {name for name, tree in MODULES.items() if "tqdm" in imports(tree)}
    assert users == {"fit"}


def test_the_gan_modules_import_each_other_without_a_cycle():
    arrows = {
        name: {m.split(".")[2] for m in imports(tree) if m.startswith("tinygan.gan.")}
        for name, tree in MODULES.items()
    }
    done, visiting = set(), []

    def visit(name):
        assert name not in visiting, f"import cycle: {' -> '.join([*visiting, name])}"
        if name not in done:
            visiting.append(name)
            for other in arrows[name]:
                visit(other)
            visiting.pop()
            done.add(name)

    for name in arrows:
        visit(name)
