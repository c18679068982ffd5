"""House rules that keep the package readable: small functions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
MAX_FUNCTION_LINES = 60


def test_no_function_in_the_package_is_over_60_lines():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    long.append(f"{where} {node.name} ({lines} lines)")
    assert long == []


# Copies of the shared text helpers (`pipeline/textutil.py`): a whitespace collapse, an alternation builder.
HELPER_COPIES = {
    "collapse": re.compile(
        r"""["'] ["']\.join\((?![^\n]* for )[^\n]*\.split\(\)\)|re\.sub\(r["']\\s\+["'], ["'] ["']"""),
    "alternation": re.compile(r"""["']\|["']\.join\(\s*(?:re\.escape|\(?\s*re\.escape|[^\n]*re\.escape\()"""),
}
EXTRACTION_CODE = [*sorted((PACKAGE / "extract").glob("*.py")), PACKAGE / "sections.py"]


def test_extraction_code_uses_the_shared_text_helpers():
    copies = []
    for path in EXTRACTION_CODE:
        if path.name == "fast.py":
            continue  # the speed-ups write their own fast forms of an alternation
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            copies += [f"{path.name}:{number} {name}" for name, pattern in HELPER_COPIES.items()
                       if pattern.search(line)]
    assert copies == []
    assert HELPER_COPIES["collapse"].search('return " ".join(text.split())')
    assert HELPER_COPIES["collapse"].search('re.sub(r"\\s+", " ", cell).strip()')
    assert not HELPER_COPIES["collapse"].search('" ".join(w.capitalize() for w in text.split())')
    assert HELPER_COPIES["alternation"].search('"|".join(re.escape(w) for w in sorted(words))')
