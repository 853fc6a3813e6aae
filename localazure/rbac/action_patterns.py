"""Matching an action string against a role's action pattern.

Azure compares operation strings case-insensitively, and ``*`` in a pattern stands for any run of
characters, ``/`` included, wherever it appears (``*``, ``*/read``, ``Microsoft.Authorization/*/Write``,
``Microsoft.Storage/storageAccounts/*``); MicrosoftDocs/azure-docs
articles/role-based-access-control/role-definitions.md, "Actions" and wildcard permissions.

A ``*`` that fills a whole path segment (``.../workspaces/*/write``) also matches no segment at all
(``.../workspaces/write``). The published AzureML Data Scientist role relies on it: it is described as
unable to create or delete compute, and its only NotActions for that are
``workspaces/computes/*/write`` and ``workspaces/computes/*/delete``, which must therefore exclude
``workspaces/computes/write`` and ``workspaces/computes/delete``; likewise its explicit NotActions
``workspaces/write`` and ``workspaces/delete`` only make sense because ``workspaces/*/write`` would
otherwise grant them.
"""

import functools
import re


def _regex_for(pattern):
    pieces = []
    for index, literal in enumerate(pattern.split("*")):
        if index:
            if pieces and pieces[-1].endswith("/"):
                # '/*' may stand for nothing at all: drop the slash into an optional group.
                pieces[-1] = pieces[-1][:-1]
                pieces.append("(?:/.*)?")
            else:
                pieces.append(".*")
        pieces.append(re.escape(literal).replace("\\/", "/"))
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)
def _compiled(pattern):
    return re.compile(_regex_for(pattern), re.IGNORECASE | re.DOTALL)


def action_matches(pattern, action):
    """True when ``action`` is one of the operations ``pattern`` names."""
    return _compiled(pattern).fullmatch(action) is not None


def matches_any(patterns, action):
    return any(action_matches(pattern, action) for pattern in patterns or ())
