"""Matching an action string against a role's action pattern.

Azure compares operation strings case-insensitively, and ``*`` in a pattern stands for any run of
characters, ``/`` included, wherever it appears (``*``, ``*/read``, ``Microsoft.Authorization/*/Write``,
``Microsoft.Storage/storageAccounts/*``). Documented in MicrosoftDocs/azure-docs
articles/role-based-access-control/role-definitions.md ("Actions" / wildcard permissions).
"""
import functools
import re


@functools.lru_cache(maxsize=4096)
def _compiled(pattern):
    parts = (re.escape(literal) for literal in pattern.split("*"))
    return re.compile(".*".join(parts), re.IGNORECASE | re.DOTALL)


def action_matches(pattern, action):
    """True when ``action`` is one of the operations ``pattern`` names."""
    return _compiled(pattern).fullmatch(action) is not None


def matches_any(patterns, action):
    return any(action_matches(pattern, action) for pattern in patterns or ())
