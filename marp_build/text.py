"""Text from the course's data files as it reaches Markdown, HTML and speaker notes: always as text.

course.yaml and the fact registry are edited by people, not templates: a title holding `<iframe …>`,
`![x](file:///…)` or `---` must show those characters, never become markup, a file read or a new slide.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["escape_text", "as_text", "note_text"]

# Characters that HTML or Markdown would read as markup, written as numeric character references: the
# rendered slide shows the same text, but a title such as `<iframe src=…>`, `![x](file:///…)` or `---`
# stays text. Line breaks become spaces so a value can never start a new slide or directive.
_TEXT_ESCAPES = {ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_[]!#|~$"}
_TEXT_ESCAPES.update({"\r\n": " ", "\n": " ", "\r": " "})
_TEXT_RE = re.compile("\r\n|" + "|".join(re.escape(ch) for ch in _TEXT_ESCAPES if ch != "\r\n"))
# What would start a list, a rule, a heading underline or a slide separator where a value opens a line.
_LINE_START = re.compile(r"^(?:\d+[.)](?:\s|$)|[-+=](?:$|[\s\-+=]))")


def escape_text(value: str) -> str:
    """A course.yaml string as inert Markdown/HTML text (see `_TEXT_ESCAPES`)."""
    text = _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group(0)], value.strip())
    if _LINE_START.match(text):
        text = f"&#{ord(text[0])};{text[1:]}"
    return text


def as_text(value: Any) -> Any:
    """A copy of course data with every string escaped by `escape_text` (keys and numbers unchanged)."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_text(item) for item in value]
    return value



def note_text(text: str) -> str:
    """Text safe inside an HTML comment (speaker notes): nothing in it may close the comment early."""
    return re.sub(r"--!?>", "-- >", text)
