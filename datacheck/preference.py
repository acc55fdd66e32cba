"""The rules for a preference (DPO) line: `input` with the conversation, then one preferred and one
non-preferred assistant reply. The messages inside follow the chat rules (`chat.py`)."""

from __future__ import annotations

from typing import Any

from datacheck.catalog import (
    CHAT_IN_PREFERENCE,
    IN_PART,
    INPUT_INVALID,
    LAST_NOT_USER,
    NOT_OBJECT_PREFERENCE,
    OUTPUT_MISSING,
    OUTPUT_NOT_LIST,
    OUTPUT_ROLE,
    OUTPUT_SIZE,
    OUTPUTS_EQUAL,
)
from datacheck.chat import PREFERENCE_KEYS, Example, check_messages, check_tools, unknown_keys
from datacheck.findings import kind, plural
from datacheck.jsonl import JsonlFile, Msg

_INPUT_KEYS = frozenset(("messages", "tools", "parallel_tool_calls"))
_OUTPUT_KEYS = ("preferred_output", "non_preferred_output")


def check_preference_line(file: JsonlFile, obj: Any, line: int, nbytes: int) -> None:
    if type(obj) is not dict:
        file.out.add(line, NOT_OBJECT_PREFERENCE, kind=kind(obj))
        return
    ex = Example(line, file.out)
    if "messages" in obj and "input" not in obj:
        ex.add(CHAT_IN_PREFERENCE)
        return
    unknown_keys(ex, obj, PREFERENCE_KEYS, "")
    inp = obj.get("input")
    msgs: list[Msg] | None = None
    extra = ""
    if type(inp) is not dict or "messages" not in inp:
        ex.add(INPUT_INVALID)
    else:
        where = IN_PART.substitute(part="input")
        unknown_keys(ex, inp, _INPUT_KEYS, where)
        extra = check_tools(ex, inp, where)
        msgs = check_messages(ex, inp["messages"], where)
        if msgs is not None and msgs[-1][0] != "user":
            ex.add(LAST_NOT_USER, role=msgs[-1][0])
    outputs = [reply for key in _OUTPUT_KEYS if (reply := _check_output(ex, obj, key)) is not None]
    if len(outputs) == 2 and outputs[0][1].strip() == outputs[1][1].strip() and outputs[0][3] == outputs[1][3]:
        ex.add(OUTPUTS_EQUAL)
    if ex.failed or msgs is None:
        return
    file.record(msgs + outputs, extra, nbytes, line, ex.ragged)


def _check_output(ex: Example, obj: dict[str, Any], key: str) -> Msg | None:
    """`preferred_output` or `non_preferred_output`: a list with exactly one assistant message."""
    if key not in obj:
        ex.add(OUTPUT_MISSING, key=key)
        return None
    value = obj[key]
    if not isinstance(value, list):
        ex.add(OUTPUT_NOT_LIST, key=key, kind=kind(value))
        return None
    if len(value) != 1:
        ex.add(OUTPUT_SIZE, key=key, messages=plural(len(value), "mensaje", "mensajes"))
        return None
    checked = check_messages(ex, value, IN_PART.substitute(part=key), key)
    if checked is None:
        return None
    if checked[0][0] != "assistant":
        ex.add(OUTPUT_ROLE, key=key, role=checked[0][0])
        return None
    return checked[0]
