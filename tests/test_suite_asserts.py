"""A test of the test suite: every test function asserts something.

The rule (docs/contributing.md): a ``test_*`` function, or a method of a ``Test*`` class, in
``tests/`` must contain an ``assert`` statement, a ``pytest.raises`` / ``pytest.warns`` /
``pytest.fail`` call, an ``assert_*`` call (``numpy.testing``, ``pandas.testing``), or call a
helper that does: a function
or method defined anywhere under ``tests/`` (the scan resolves helpers by name, transitively) whose
body asserts by the same rule. A helper counts only if it asserts itself, so a test that merely
runs code ("it did not raise") fails the scan.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
RAISING = {"raises", "warns", "fail", "deprecated_call"}


def _functions() -> dict[str, list[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef]]]:
    found: dict[str, list] = {}
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append((path, node))
    return found


def _called_names(fn: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def _asserts_directly(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in RAISING or name.startswith("assert_"):
                return True
    return False


def asserting_functions() -> set[str]:
    """Names of the functions under tests/ that assert, directly or through helpers (a fixpoint)."""
    functions = _functions()
    good = {name for name, defs in functions.items() if all(_asserts_directly(fn) for _, fn in defs)}
    changed = True
    while changed:
        changed = False
        for name, defs in functions.items():
            if name in good:
                continue
            if all(_asserts_directly(fn) or (_called_names(fn) & good) for _, fn in defs):
                good.add(name)
                changed = True
    return good


def test_every_test_function_asserts_or_expects_a_raise():
    good = asserting_functions()
    silent = [
        f"{path.relative_to(TESTS)}:{fn.lineno} {fn.name}"
        for name, defs in _functions().items()
        if name.startswith("test_") and name not in good
        for path, fn in defs
        if not _asserts_directly(fn) and not (_called_names(fn) & good)
    ]
    assert not silent, "test functions that assert nothing:\n" + "\n".join(silent)


def test_the_scan_catches_a_silent_test_and_accepts_helpers():
    """The scan's own check: a body without an assert is flagged; one calling an asserting helper is not."""
    silent = ast.parse("def test_x():\n    run()\n").body[0]
    loud = ast.parse("def test_y():\n    with pytest.raises(ValueError):\n        run()\n").body[0]
    numpy_style = ast.parse("def test_w():\n    np.testing.assert_allclose(a, b)\n").body[0]
    assert not _asserts_directly(silent) and _asserts_directly(loud) and _asserts_directly(numpy_style)
    assert _called_names(ast.parse("def test_z():\n    check_it(1)\n").body[0]) == {"check_it"}
