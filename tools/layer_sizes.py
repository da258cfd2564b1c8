"""Print how big each layer of tinygan is, in code lines, and its longest functions.

    python tools/layer_sizes.py            # a table per layer, the engine core, the longest
    python tools/layer_sizes.py --markdown # the same table as Markdown, for the README

A code line is a line holding code: blank lines, comments and docstrings do not count.
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from pathlib import Path

from layers import ENGINE_CORE, LAYERS, layer_of, module_files


def docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers of every docstring (module, class, function) in ``tree``."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source: str) -> set[int]:
    """Line numbers that hold a token of code (not a comment, not a docstring)."""
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skipped and token.type != tokenize.ENDMARKER:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines - docstring_lines(ast.parse(source))


def function_sizes(path: Path, source: str) -> list[tuple[int, str]]:
    """(code lines, 'file:function') for every function and method in the file."""
    counted = code_lines(source)
    sizes = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            span = set(range(node.lineno, node.end_lineno + 1))
            sizes.append((len(span & counted), f"{path.as_posix()}:{node.name}"))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--longest", type=int, default=8, help="how many functions to list")
    args = parser.parse_args()

    per_layer = [0] * len(LAYERS)
    files_per_layer = [0] * len(LAYERS)
    core = top = 0
    functions = []
    root = Path(__file__).resolve().parent.parent
    for module, path in module_files().items():
        source = path.read_text()
        count = len(code_lines(source))
        layer = layer_of(module)
        if layer is None:
            top += count
        else:
            per_layer[layer] += count
            files_per_layer[layer] += 1
        if module.split(".")[-1] in ENGINE_CORE and module.count(".") == 1:
            core += count
        functions += function_sizes(path.relative_to(root), source)

    rows = [(name, files_per_layer[i], per_layer[i]) for i, (name, _) in enumerate(LAYERS)]
    rows.append(("tinygan/__init__.py", 1, top))
    total = sum(per_layer) + top
    if args.markdown:
        print("| layer (bottom to top) | files | code lines |")
        print("|---|---:|---:|")
        for name, files, count in rows:
            print(f"| {name} | {files} | {count} |")
        print(f"| **all of tinygan** | {sum(files_per_layer) + 1} | **{total}** |")
        print(f"\nEngine core ({', '.join(ENGINE_CORE)}): **{core}** code lines.")
        return
    for name, files, count in rows:
        print(f"{name:24s} {files:3d} files {count:6d} code lines")
    print(f"{'all of tinygan':24s} {sum(files_per_layer) + 1:3d} files {total:6d} code lines")
    print(f"engine core ({', '.join(ENGINE_CORE)}): {core} code lines")
    print("longest functions:")
    for size, name in sorted(functions, reverse=True)[: args.longest]:
        print(f"  {size:4d}  {name}")


if __name__ == "__main__":
    main()
