"""House rules that keep the package readable: small functions, one module per reader, one evaluation
package."""

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


def _defined(module: str) -> set[str]:
    path = PACKAGE / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_each_reader_has_a_module_of_its_own_and_the_shared_bits_one_home():
    assert {"read_text", "clean_inline"} <= _defined("read/text") and "read_html" not in _defined("read/text")
    assert {"read_html", "parse_html", "flatten_nesting"} <= _defined("read/html")
    assert {"strip_emphasis", "join_broken_emphasis"} <= _defined("read/markdown")
    shared = {"decode_bytes", "normalise_newlines", "decoding_warnings", "read_decoded"}
    assert shared <= _defined("read/textual")
    for reader in ("read/text", "read/html", "read/markdown"):
        assert shared & _defined(reader) == set(), reader


def test_scoring_against_gold_lives_in_one_evaluation_package():
    modules = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    assert {"evaluation/entities.py", "evaluation/principles.py", "evaluation/devset.py"} <= modules
    assert [m for m in modules if m.rsplit("/", 1)[-1] in ("evaluate.py", "devset.py")
            and not m.startswith("evaluation/")] == []
    assert {"evaluate_all", "format_all"} <= _defined("evaluation/__init__")


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
