"""How ``make translations`` finds the strings people read: Babel's Python extraction, plus
the help of each command-line command, which is its function's docstring.

Why a docstring: Typer shows a command's docstring as its ``--help`` (and the first sentence
in its group's list), and a docstring cannot be wrapped in ``N_()``. The command line
translates them when it builds a command (``cli.common.localise``). Used by Babel only
(babel.cfg names it); nothing imports it at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[Any]:
    """Babel's extraction of ``fileobj``; for a command-line module, its commands' help too."""
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    name = str(getattr(fileobj, "name", "")).replace("\\", "/")
    if "/cli/" not in name:
        return
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and is_command(node):
            doc = ast.get_docstring(node)
            if doc:  # (line, function, message, comments), as Babel's own extractors give
                yield node.body[0].lineno, None, doc, []


def is_command(node: ast.FunctionDef) -> bool:
    """A function Typer runs as a command: decorated ``@app.command(…)`` or
    ``@app.callback(…)``, or taking the ``typer.Context`` (the single commands, such as
    ``itsm init``, registered by name in ``cli.COMMANDS``)."""
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ("command", "callback"):
            return True
    return any(
        isinstance(arg.annotation, ast.Attribute) and arg.annotation.attr == "Context"
        for arg in node.args.args
    )
