"""MkDocs hook: Sphinx roles in docstrings (``:func:`~a.b.c```) become cross-references.

The API reference renders numpydoc docstrings with mkdocstrings, which leaves Sphinx roles as
text (``:func:<code>~a.b.c</code>`` in the HTML). This hook rewrites each into an mkdocs-autorefs
reference (``<autoref identifier="a.b.c" optional>``): a link where the target is documented on the
site, plain code where it is not (``optional``: no warning, so ``--strict`` stays meaningful for
the site's own links). ``~`` shows the last component only, as in Sphinx; ``:math:`` becomes code;
a role left raw inside a code span becomes its target's text.
"""

from __future__ import annotations

import html
import re

ROLES = "func|class|meth|mod|attr|data|exc|obj|const|math|ref|term"
ROLE = re.compile(rf":(?:py:)?({ROLES}):<code>([^<]*)</code>")
RAW_ROLE = re.compile(rf":(?:py:)?({ROLES}):`([^`<]*)`")  # inside a code span (a parameter's type, say)


def _replace(match: re.Match[str]) -> str:
    role, target = match.group(1), html.unescape(match.group(2))
    if role == "math":
        return f"<code>{html.escape(target)}</code>"
    identifier = target.lstrip("~.").removesuffix("()")
    shown = identifier.rsplit(".", 1)[-1] if target.startswith("~") else identifier
    return f'<autoref identifier="{html.escape(identifier)}" optional><code>{html.escape(shown)}</code></autoref>'


def _plain(match: re.Match[str]) -> str:
    target = match.group(2)
    return target.lstrip("~.").rsplit(".", 1)[-1] if target.startswith("~") else target


def on_page_content(html_text: str, **kwargs: object) -> str:
    """Rewrite every role in a page's HTML before autorefs resolves the references."""
    return RAW_ROLE.sub(_plain, ROLE.sub(_replace, html_text))
