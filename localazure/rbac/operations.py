"""From an ARM request (method and path) to the operation string RBAC authorizes.

Azure names each control-plane operation ``<namespace>/<type chain>/<verb>``:

* the namespace is the provider after the last ``/providers/`` of the path, or
  ``Microsoft.Resources`` for paths that have none (subscriptions, resource groups);
* the type chain is every type segment after it (``storageAccounts/blobServices/containers``),
  names dropped; an extension resource (``.../providers/Microsoft.Authorization/roleAssignments/x``
  under another resource) therefore maps to the extension's own type;
* the verb is ``read`` for GET and HEAD, ``write`` for PUT and PATCH, ``delete`` for DELETE, and
  ``<verb>/action`` for a POST to ``.../<name>/<verb>`` (``validate``, ``whatIf``, ``cancel``, ``listKeys``),
  except a provider's ``checkNameAvailability`` POST, which is ``<namespace>/checkNameAvailability/read``.

Azure echoes the request's own casing of the type segments in its denial message (``Microsoft.Resources/
subscriptions/resourcegroups/write`` for a client that wrote ``resourcegroups``; quoted in
microsoft/vscode-azurestorage#944), so the types keep the casing of the path. Matching is case-insensitive.
"""

from dataclasses import dataclass

_VERB_BY_METHOD = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write", "DELETE": "delete"}
_RESOURCES_NAMESPACE = "Microsoft.Resources"
# POSTs that only read, named ``<namespace>/<verb>/read`` in the providers' operation lists
# (Microsoft.Storage/checknameavailability/read, Microsoft.ContainerRegistry/checkNameAvailability/read).
_READING_POSTS = frozenset({"checknameavailability"})


@dataclass(frozen=True)
class Operation:
    """The action a request performs and the scope it is authorized over."""

    action: str
    is_data_action: bool = False
    scope: str = "/"


@dataclass
class _ParsedPath:
    namespace: str
    types: list
    trailing_type: str | None
    outer_types: list
    ends_at_namespace: bool


def _parse(segments):
    """Walk the segments as alternating type and name slots, restarting at each ``providers``."""
    namespace = _RESOURCES_NAMESPACE
    types, outer_types = [], []
    trailing_type = None
    ends_at_namespace = False
    index = 0
    while index < len(segments):
        segment = segments[index]
        if segment.lower() == "providers":
            outer_types = types
            if index + 1 == len(segments):
                return _ParsedPath(_RESOURCES_NAMESPACE, outer_types + ["providers"], None, [], False)
            namespace, types = segments[index + 1], []
            ends_at_namespace = index + 2 == len(segments)
            index += 2
            continue
        if index + 1 < len(segments):
            types.append(segment)
            index += 2
        else:
            trailing_type = segment
            index += 1
    return _ParsedPath(namespace, types, trailing_type, outer_types, ends_at_namespace)


def _path_segments(path):
    return [segment for segment in path.split("?", 1)[0].split("/") if segment]


def _scope(segments):
    return "/" + "/".join(segments)


def operation_for(method, path, query=None):
    """The Operation an ARM request performs, or None for a path that is not Resource Manager's.

    ``query`` is accepted for callers that have it parsed; the action does not depend on it.
    """
    del query
    segments = _path_segments(path)
    if not segments or segments[0].lower() not in ("subscriptions", "providers"):
        return None
    method = method.upper()
    parsed = _parse(segments)
    if parsed.ends_at_namespace:
        # GET /subscriptions/{id}/providers/{namespace}: reading a resource provider registration.
        chain = "/".join(parsed.outer_types + ["providers"])
        return Operation(f"{_RESOURCES_NAMESPACE}/{chain}/read", False, _scope(segments))
    if parsed.trailing_type is not None and method == "POST":
        if not parsed.types and parsed.trailing_type.lower() in _READING_POSTS:
            return Operation(f"{parsed.namespace}/{parsed.trailing_type}/read", False, _scope(segments[:-1]))
        chain = "/".join(parsed.types + [parsed.trailing_type])
        return Operation(f"{parsed.namespace}/{chain}/action", False, _scope(segments[:-1]))
    types = parsed.types + ([parsed.trailing_type] if parsed.trailing_type is not None else [])
    verb = _VERB_BY_METHOD.get(method, "write" if method == "POST" else "read")
    chain = "/".join(types)
    action = f"{parsed.namespace}/{chain}/{verb}" if chain else f"{parsed.namespace}/{verb}"
    return Operation(action, False, _scope(segments))
