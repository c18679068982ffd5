"""The Markdown the text reader understands: ATX and setext headings, rules, links and **bold** /
*italic* emphasis.  A .md file is a text file with these conventions, read by `read_text`
(`pipeline/read/text.py`), which asks this module what a line or a run of inline text means.
"""

from __future__ import annotations

import re

MARKDOWN_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
RULE_LINE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])")


def strip_emphasis(text: str) -> str:
    """**bold** and *italic* markers dropped, their words kept."""
    text = BOLD.sub(r"\1", text)
    text = ITALIC.sub(r"\1", text)
    # An unbalanced "**" is left over from a conversion that split a bold run; it is never content.
    return text.replace("**", "")


def setext_level(rule: str) -> int | None:
    """The heading level a rule line gives the single line above it: 1 under "=====", 2 under "-----"."""
    marker = rule.strip()[0]
    return 1 if marker == "=" else 2 if marker == "-" else None


def join_broken_emphasis(lines: list[str]) -> list[str]:
    """Re-join a paragraph that the text conversion split inside a **bold** run (as the renderer does)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.count("**") % 2 == 1 and "\t" not in line and following.strip() and following.count("**") % 2:
            out.append(line.rstrip() + " " + following.strip())
            index += 2
            continue
        out.append(line)
        index += 1
    return out
