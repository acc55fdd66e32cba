"""The rules for a chat example (`{"messages": [...]}`), its messages, tool calls and tool definitions.

Each line gets a fresh `Example`: the state the rules learn while checking it (whether a message has a
`weight`, whether a text has spaces around it, how many errors the findings had when the line started).
Nothing carries over from one line to the next except through the `JsonlFile` (duplicates, statistics).
Preference lines (`preference.py`) use the same message rules.
"""

from __future__ import annotations

import json
from typing import Any

from datacheck.catalog import (
    CONTENT_EMPTY,
    CONTENT_MISSING,
    CONTENT_NOT_TEXT,
    CONTENT_NULL,
    EXAMPLE_KEY,
    FUNCTION_ARGUMENTS_NOT_OBJECT,
    FUNCTION_ARGUMENTS_NOT_TEXT,
    FUNCTION_CALL_NO_NAME,
    FUNCTION_CALL_NOT_OBJECT,
    FUNCTION_CALL_ROLE,
    FUNCTION_NO_NAME,
    FUNCTION_NOT_OBJECT,
    FUNCTION_PARAMETERS,
    FUNCTIONS_NOT_LIST,
    LAST_NOT_ASSISTANT,
    MESSAGE_KEY,
    MESSAGE_KEY_HINT,
    MESSAGE_NOT_OBJECT,
    MESSAGES_EMPTY,
    MESSAGES_IN_SPANISH,
    MESSAGES_MISSING,
    MESSAGES_NOT_LIST,
    NAME_INVALID,
    NAME_MISSING,
    NO_ASSISTANT,
    NO_USER,
    NO_WEIGHT,
    NOT_OBJECT_CHAT,
    OLD_FORMAT,
    PARALLEL_TOOL_CALLS,
    PART_IMAGE,
    PART_INVALID,
    PREFERENCE_IN_CHAT,
    ROLE_INVALID,
    ROLE_MISSING,
    TOOL_ARGUMENTS_NOT_OBJECT,
    TOOL_ARGUMENTS_NOT_TEXT,
    TOOL_CALL_ID_INVALID,
    TOOL_CALL_ID_MISSING,
    TOOL_CALL_ID_ROLE,
    TOOL_CALL_ID_UNKNOWN,
    TOOL_CALL_NO_FUNCTION,
    TOOL_CALL_NO_ID,
    TOOL_CALL_NO_NAME,
    TOOL_CALL_NOT_OBJECT,
    TOOL_CALL_TYPE,
    TOOL_CALLS_EMPTY,
    TOOL_CALLS_NOT_LIST,
    TOOL_CALLS_ROLE,
    TOOL_INVALID,
    TOOL_NO_NAME,
    TOOL_PARAMETERS,
    TOOLS_MISSING,
    TOOLS_NOT_LIST,
    WEIGHT_INVALID,
    WEIGHT_ROLE,
)
from datacheck.findings import Findings, Message, kind, show
from datacheck.jsonl import JsonlFile, Msg

_MESSAGE_KEYS = frozenset(("role", "content", "name", "function_call", "tool_calls", "tool_call_id", "weight"))
_ROLES = frozenset(("system", "user", "assistant", "tool", "function"))
_PLAIN_ROLES = frozenset(("system", "user", "assistant"))
CHAT_KEYS = frozenset(("messages", "tools", "parallel_tool_calls", "functions"))
PREFERENCE_KEYS = frozenset(("input", "preferred_output", "non_preferred_output"))
# Keys people write in Spanish (or from other formats) and what they meant.
_KEY_HINTS = {
    "rol": "role",
    "roles": "role",
    "contenido": "content",
    "texto": "content",
    "text": "content",
    "mensaje": "content",
    "message": "content",
    "nombre": "name",
    "peso": "weight",
}
_COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


class Example:
    """What the rules learn about one line while they check it; a fresh one for every line."""

    __slots__ = ("line", "out", "errors_at_start", "weighted", "ragged", "calls")

    def __init__(self, line: int, out: Findings):
        self.line = line
        self.out = out
        self.errors_at_start = out.n_errors
        self.weighted = False  # a message has "weight" (then an example with every weight 0 teaches nothing)
        self.ragged = False  # a text has spaces around it: they count as tokens, not as a different example
        self.calls = False  # a message calls a tool or a function (then the example should define "tools")

    def add(self, message: Message, /, **fields: Any) -> None:
        self.out.add(self.line, message, **fields)

    @property
    def failed(self) -> bool:
        """An error was reported since the line started."""
        return self.out.n_errors != self.errors_at_start


# --------------------------------------------------------------------------------------------------------
# One chat line


def check_chat_line(file: JsonlFile, obj: Any, line: int, nbytes: int) -> None:
    out = file.out
    if type(obj) is not dict:
        out.add(line, NOT_OBJECT_CHAT, kind=kind(obj))
        return
    if "messages" not in obj:
        if "prompt" in obj or "completion" in obj:
            out.add(line, OLD_FORMAT)
        elif obj.keys() & PREFERENCE_KEYS:
            out.add(line, PREFERENCE_IN_CHAT)
        else:
            out.add(line, MESSAGES_IN_SPANISH if "mensajes" in obj else MESSAGES_MISSING)
        return
    ex = Example(line, out)
    extra = ""
    if len(obj) > 1:
        unknown_keys(ex, obj, CHAT_KEYS, "")
        extra = check_tools(ex, obj, "")
    msgs = check_messages(ex, obj["messages"], "")
    if msgs is None:
        return
    last_role = msgs[-1][0]
    roles = {m[0] for m in msgs}
    if "assistant" not in roles:
        ex.add(NO_ASSISTANT)
    elif last_role != "assistant":
        ex.add(LAST_NOT_ASSISTANT, role=last_role)
    if "user" not in roles:
        ex.add(NO_USER)
    if ex.weighted and all(
        m.get("weight") == 0 for m in obj["messages"] if type(m) is dict and m.get("role") == "assistant"
    ):
        ex.add(NO_WEIGHT)
    if ex.calls and "tools" not in obj and "functions" not in obj:
        ex.add(TOOLS_MISSING)
    if ex.failed:
        return
    if "system" not in roles:
        file.no_system_message(line)
    file.record(msgs, extra, nbytes, line, ex.ragged)


def unknown_keys(ex: Example, obj: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    if obj.keys() <= allowed:
        return
    names = ", ".join(sorted(allowed - {"functions"}))
    for k in obj:
        if k not in allowed:
            ex.add(EXAMPLE_KEY, where=where, key=show(k), names=names)


# --------------------------------------------------------------------------------------------------------
# Messages


def check_messages(ex: Example, messages: Any, where: str, key: str = "messages") -> list[Msg] | None:
    """Check a list of messages; return (role, text, name, calls) per message, or None if it had errors."""
    if not isinstance(messages, list):
        ex.add(MESSAGES_NOT_LIST, where=where, key=key, kind=kind(messages))
        return None
    if not messages:
        ex.add(MESSAGES_EMPTY, where=where, key=key)
        return None
    out = ex.out
    errors_before = out.n_errors
    msgs: list[Msg] = []
    append = msgs.append
    call_ids: list[str] = []
    plain = _PLAIN_ROLES
    for i, m in enumerate(messages, 1):
        # Fast path: the usual {"role": "user", "content": "…"}; anything else gets the full check.
        if type(m) is dict and len(m) == 2:
            role = m.get("role")
            content = m.get("content")
            if type(content) is str and type(role) is str and role in plain:
                text = content.strip()
                if text:
                    if text is not content:  # str.strip returns the same object when there is nothing to strip
                        ex.ragged = True
                    append((role, content, "", ""))
                    continue
        checked = _check_message(ex, m, i, where, call_ids, errors_before)
        if checked is not None:
            append(checked)
    if out.n_errors != errors_before:
        return None
    return msgs


def _check_message(ex: Example, m: Any, i: int, where: str, call_ids: list[str], errors_before: int) -> Msg | None:
    """Every check of one message (keys, role, content, name, weight, tool calls)."""
    if type(m) is not dict:
        ex.add(MESSAGE_NOT_OBJECT, where=where, i=i, kind=kind(m))
        return None
    if not m.keys() <= _MESSAGE_KEYS:
        for k in m:
            if k not in _MESSAGE_KEYS:
                hint = _KEY_HINTS.get(k.strip().lower())
                if hint:
                    ex.add(MESSAGE_KEY_HINT, where=where, i=i, key=show(k), hint=hint)
                else:
                    ex.add(MESSAGE_KEY, where=where, i=i, key=show(k))
    role = m.get("role")
    if "role" not in m:
        ex.add(ROLE_MISSING, where=where, i=i)
        role = ""
    elif type(role) is not str or role not in _ROLES:
        ex.add(ROLE_INVALID, where=where, i=i, role=show(role))
        role = ""
    tool_calls = m.get("tool_calls")
    function_call = m.get("function_call")
    calls = ""
    if tool_calls is not None:
        if role and role != "assistant":
            ex.add(TOOL_CALLS_ROLE, where=where, i=i, role=role)
        else:
            calls = _check_tool_calls(ex, tool_calls, where, i, call_ids)
    if function_call is not None:
        if role and role != "assistant":
            ex.add(FUNCTION_CALL_ROLE, where=where, i=i, role=role)
        else:
            calls += _check_function_call(ex, function_call, where, i)
    if calls:
        ex.calls = True
    text = _check_content(ex, m, where, i, bool(tool_calls) or bool(function_call))
    name = m.get("name")
    if "name" in m and (type(name) is not str or not name.strip()):
        ex.add(NAME_INVALID, where=where, i=i, value=show(name))
        name = ""
    elif role == "function" and not name:
        ex.add(NAME_MISSING, where=where, i=i)
    if "weight" in m:
        _check_weight(ex, m["weight"], where, i, role)
    if "tool_call_id" in m:
        tcid = m["tool_call_id"]
        if role and role != "tool":
            ex.add(TOOL_CALL_ID_ROLE, where=where, i=i, role=role)
        elif type(tcid) is not str or not tcid:
            ex.add(TOOL_CALL_ID_INVALID, where=where, i=i, value=show(tcid))
        elif tcid not in call_ids and ex.out.n_errors == errors_before:
            ex.add(TOOL_CALL_ID_UNKNOWN, where=where, i=i, value=show(tcid))
    elif role == "tool":
        ex.add(TOOL_CALL_ID_MISSING, where=where, i=i)
    return (role, text, name if type(name) is str else "", calls)


def _check_weight(ex: Example, weight: Any, where: str, i: int, role: str) -> None:
    ex.weighted = True
    if role and role != "assistant":
        ex.add(WEIGHT_ROLE, where=where, i=i, role=role)
    elif type(weight) is not int or weight not in (0, 1):
        is_number = isinstance(weight, (int, float)) and not isinstance(weight, bool)
        ex.add(WEIGHT_INVALID, where=where, i=i, value=str(weight) if is_number else show(weight))


def _check_content(ex: Example, m: dict[str, Any], where: str, i: int, has_call: bool) -> str:
    if "content" not in m:
        if not has_call:
            ex.add(CONTENT_MISSING, where=where, i=i)
        return ""
    content = m["content"]
    if type(content) is str:
        stripped = content.strip()
        if not stripped and not has_call:
            ex.add(CONTENT_EMPTY, where=where, i=i)
        if stripped is not content:
            ex.ragged = True
        return content
    if content is None:
        if not has_call:
            ex.add(CONTENT_NULL, where=where, i=i)
        return ""
    if type(content) is list:
        return _check_parts(ex, content, where, i, has_call)
    ex.add(CONTENT_NOT_TEXT, where=where, i=i, kind=kind(content))
    return ""


def _check_parts(ex: Example, parts: list[Any], where: str, i: int, has_call: bool) -> str:
    """List-form content: [{"type": "text", "text": "…"}, …]; images are allowed but not checked."""
    texts: list[str] = []
    for j, part in enumerate(parts, 1):
        if type(part) is dict and part.get("type") == "text" and type(part.get("text")) is str:
            texts.append(part["text"])
        elif type(part) is dict and part.get("type") == "image_url":
            ex.add(PART_IMAGE, where=where, i=i, j=j)
        else:
            ex.add(PART_INVALID, where=where, i=i, j=j)
    text = "".join(texts)  # the parts are consecutive pieces of one text
    if text.strip() is not text:
        ex.ragged = True
    has_image = any(type(p) is dict and p.get("type") == "image_url" for p in parts)
    if not text.strip() and not has_call and not has_image and len(texts) == len(parts):
        ex.add(CONTENT_EMPTY, where=where, i=i)
    return text


# --------------------------------------------------------------------------------------------------------
# Tool calls inside messages


def _check_tool_calls(ex: Example, calls: Any, where: str, i: int, call_ids: list[str]) -> str:
    """`tool_calls` of an assistant message; returns them as compact JSON (they count as tokens)."""
    if not isinstance(calls, list):
        ex.add(TOOL_CALLS_NOT_LIST, where=where, i=i, kind=kind(calls))
        return ""
    if not calls:
        ex.add(TOOL_CALLS_EMPTY, where=where, i=i)
        return ""
    for j, call in enumerate(calls, 1):
        if type(call) is not dict:
            ex.add(TOOL_CALL_NOT_OBJECT, where=where, i=i, j=j, kind=kind(call))
            continue
        call_id = call.get("id")
        if type(call_id) is not str or not call_id:
            ex.add(TOOL_CALL_NO_ID, where=where, i=i, j=j)
        else:
            call_ids.append(call_id)
        if call.get("type") != "function":
            ex.add(TOOL_CALL_TYPE, where=where, i=i, j=j, value=show(call.get("type")))
        function = call.get("function")
        if type(function) is not dict:
            ex.add(TOOL_CALL_NO_FUNCTION, where=where, i=i, j=j)
            continue
        _check_function_body(ex, function, (TOOL_CALL_NO_NAME, TOOL_ARGUMENTS_NOT_TEXT, TOOL_ARGUMENTS_NOT_OBJECT),
                             where=where, i=i, j=j)
    return json.dumps(calls, **_COMPACT)


def _check_function_call(ex: Example, call: Any, where: str, i: int) -> str:
    """The legacy `function_call` of an assistant message; returns it as compact JSON."""
    if type(call) is not dict:
        ex.add(FUNCTION_CALL_NOT_OBJECT, where=where, i=i, kind=kind(call))
        return ""
    _check_function_body(ex, call, (FUNCTION_CALL_NO_NAME, FUNCTION_ARGUMENTS_NOT_TEXT, FUNCTION_ARGUMENTS_NOT_OBJECT),
                         where=where, i=i)
    return json.dumps(call, **_COMPACT)


def _check_function_body(ex: Example, function: dict[str, Any], messages: tuple[Message, Message, Message],
                         **fields: Any) -> None:
    """`name` and `arguments` of a call; arguments is a JSON object written as a string.

    `messages`: what to say for (no name, arguments not a string, arguments not a JSON object).
    """
    no_name, not_text, not_object = messages
    name = function.get("name")
    if type(name) is not str or not name.strip():
        ex.add(no_name, **fields)
    args = function.get("arguments")
    if type(args) is not str:
        ex.add(not_text, kind=kind(args), **fields)
        return
    try:
        parsed = json.loads(args)
    except (ValueError, RecursionError):
        parsed = None
    if type(parsed) is not dict:
        ex.add(not_object, **fields)


# --------------------------------------------------------------------------------------------------------
# Tool definitions of the example


def check_tools(ex: Example, obj: dict[str, Any], where: str) -> str:
    """Top-level `tools` (and legacy `functions`) and `parallel_tool_calls`; returns their JSON for tokens."""
    extra = ""
    if "tools" in obj:
        tools = obj["tools"]
        if not isinstance(tools, list):
            ex.add(TOOLS_NOT_LIST, where=where, kind=kind(tools))
        else:
            for j, tool in enumerate(tools, 1):
                function = tool.get("function") if type(tool) is dict else None
                if type(tool) is not dict or tool.get("type") != "function" or type(function) is not dict:
                    ex.add(TOOL_INVALID, where=where, j=j)
                    continue
                _check_definition(ex, function, TOOL_NO_NAME, TOOL_PARAMETERS, where=where, j=j)
            extra = json.dumps(tools, **_COMPACT)
    if "functions" in obj:
        functions = obj["functions"]
        if not isinstance(functions, list):
            ex.add(FUNCTIONS_NOT_LIST, where=where, kind=kind(functions))
        else:
            for j, function in enumerate(functions, 1):
                if type(function) is not dict:
                    ex.add(FUNCTION_NOT_OBJECT, where=where, j=j, kind=kind(function))
                    continue
                _check_definition(ex, function, FUNCTION_NO_NAME, FUNCTION_PARAMETERS, where=where, j=j)
            extra += json.dumps(functions, **_COMPACT)
    if "parallel_tool_calls" in obj and type(obj["parallel_tool_calls"]) is not bool:
        ex.add(PARALLEL_TOOL_CALLS, where=where, value=show(obj["parallel_tool_calls"]))
    return extra


def _check_definition(ex: Example, function: dict[str, Any], no_name: Message, bad_parameters: Message,
                      **fields: Any) -> None:
    name = function.get("name")
    if type(name) is not str or not name.strip():
        ex.add(no_name, **fields)
    if "parameters" in function and type(function["parameters"]) is not dict:
        ex.add(bad_parameters, kind=kind(function["parameters"]), **fields)
