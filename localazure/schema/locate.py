"""Where a member sits in the request text, for the 'line L, position P' part of .NET deserializer messages.

The validator gets the parsed body, not the text the client sent, so positions are computed in the body
re-serialized the way Python's json module (and so azure-core) writes it: one line, ``", "`` and ``": "``
separators. For a member the position is just after its ``"name":``; for a value, just after the value.
"""

import json


def path_text(path: tuple) -> str:
    """Newtonsoft's JSON path: ``properties.ipRules[0].value``, ``tags['a.b']`` for unusual names."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part and all(character.isalnum() or character in "_$" for character in part):
            text += f".{part}" if text else part
        else:
            text += f"['{part}']"
    return text


def position_of(body, path: tuple, at_value_end: bool = False) -> int:
    """1-based position on line 1 of ``json.dumps(body)``; 0 when the path is not in the body."""
    offset = _find(body, path, 0, at_value_end)
    return offset if offset is not None else 0


def _find(value, path: tuple, offset: int, at_value_end: bool):
    if not path:
        return offset + len(json.dumps(value)) if at_value_end else offset
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        offset += 1  # {
        for index, (key, item) in enumerate(value.items()):
            if index:
                offset += 2  # ", "
            offset += len(json.dumps(key)) + 1  # "key":
            if key == head:
                return offset if not rest and not at_value_end else _find(item, rest, offset + 1, at_value_end)
            offset += 1 + len(json.dumps(item))
        return offset if not rest else None
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        offset += 1  # [
        for item in value[:head]:
            offset += len(json.dumps(item)) + 2
        return _find(value[head], rest, offset, at_value_end)
    return None
