"""The package's layers (tools/layers.py) hold: no import cycle, no arrow up, and a plain
``import tinygan`` loads only what every user needs."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import layers  # noqa: E402


def strongly_connected_components(graph):
    """Tarjan's algorithm, iterative: the groups of modules that import each other in a ring."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def test_the_import_reader_sees_relative_lazy_and_module_imports():
    graph = layers.import_graph()
    assert "tinygan.functions.conv" in graph["tinygan.nn.conv"]  # from ..functions.conv import
    assert "tinygan.nn" in graph["tinygan.metrics.mnist_classifier"]  # from .. import nn
    assert "tinygan.tensor" in graph["tinygan.function"]  # from .tensor import Tensor


def test_the_cycle_finder_finds_a_ring_of_three():
    ring = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [c for c in strongly_connected_components(ring) if len(c) > 1] == [{"a", "b", "c"}]


def test_every_module_belongs_to_a_layer():
    for module in layers.module_files():
        layers.layer_of(module)  # raises LookupError naming the module


def test_no_import_cycle():
    cycles = [c for c in strongly_connected_components(layers.import_graph()) if len(c) > 1]
    assert not cycles, f"modules importing each other in a ring: {cycles}"


def test_no_module_imports_from_a_layer_above_its_own():
    arrows_up = []
    for module, imported in layers.import_graph().items():
        own = layers.layer_of(module)
        for target in imported:
            other = layers.layer_of(target)
            if own is not None and other is not None and other > own:
                arrows_up.append(
                    f"{module} ({layers.LAYERS[own][0]}) -> {target} ({layers.LAYERS[other][0]})"
                )
    assert not arrows_up, "arrows up:\n" + "\n".join(sorted(arrows_up))


def imports_inside_functions(path):
    """The imports of a file that stand anywhere but at its top level."""
    tree = ast.parse(path.read_text())
    top_level = {id(node) for node in tree.body}
    return [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top_level
    ]


def test_modules_import_at_the_top_only_cupy_is_imported_where_it_is_needed():
    lazy = {
        module: found
        for module, path in layers.module_files().items()
        if (found := imports_inside_functions(path))
    }
    # CuPy is optional: backend.py imports it the first time a 'cuda' array is asked for.
    assert lazy == {"tinygan.backend": ["import cupy", "import cupyx"]}


def imported_packages(path):
    """The top-level package of every absolute import in a file ('matplotlib', 'numpy', ...)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    "dependency, users",
    [("tqdm", {"tinygan.gan.fit", "tinygan.data.mnist"}), ("matplotlib", {"tinygan.plots"})],
)
def test_the_heavy_dependencies_are_imported_only_where_progress_is_shown_or_pictures_drawn(
    dependency, users
):
    files = layers.module_files().items()
    assert {module for module, path in files if dependency in imported_packages(path)} == users


@pytest.mark.parametrize(
    "module",
    ["tinygan.gan", "tinygan.data", "tinygan.metrics", "tinygan.plots", "matplotlib", "tqdm"],
)
def test_import_tinygan_leaves_the_upper_layers_unloaded(module):
    code = f"import sys, tinygan; print({module!r} in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "False", f"import tinygan loads {module}"


def test_import_tinygan_gives_the_engine_nn_optim_and_the_ops():
    import tinygan

    x = tinygan.tensor([1.0, 2.0], requires_grad=True)
    tinygan.optim.SGD(tinygan.nn.Linear(2, 1).parameters(), lr=0.1)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
