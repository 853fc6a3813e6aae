"""Microsoft Graph, the small part ``az role assignment list`` and ``az role assignment delete --assignee`` use
to resolve principals, served from the directory the endpoint knows (its service principals and groups).

Mounted at ``{endpoint}/graph`` (``identity.GRAPH_PATH``), which the cloud metadata publishes as
``microsoftGraphResourceId``: azure-cli sends ``{microsoftGraphResourceId}/v1.0/...`` with a token for that
resource. Graph checks its own tokens (an ARM token gets 401, as at graph.microsoft.com) and answers in its own
error shape, ``{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}``.
Only objects of the caller's tenant are visible.

- ``POST /v1.0/directoryObjects/getByIds`` ``{ids, types?}``: the known objects among ``ids``, unknown ids left
  out;
- ``GET /v1.0/servicePrincipals/{id}``, ``GET /v1.0/groups/{id}``, ``GET /v1.0/users/{id}`` (this directory has no
  users: always 404 ``Request_ResourceNotFound``);
- ``GET /v1.0/servicePrincipals|groups|users?$filter=`` with ``servicePrincipalNames/any(c:c eq '...')``,
  ``appId eq '...'``, ``displayName eq '...'``, ``userPrincipalName eq '...'``, joined by ``and``;
- anything else: a write to these objects is 403 ``Authorization_RequestDenied`` (the endpoint's principals hold
  no Graph permission to write), another path 400 ``BadRequest`` for its first unknown segment.
"""

from __future__ import annotations

import json
import re
import time
import uuid

from localazure.http import json_response
from localazure.identity import GRAPH_PATH, GraphTokenError

V1 = GRAPH_PATH + r"/v1\.0"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_CONDITION = re.compile(
    r"^\s*(?:servicePrincipalNames/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'(?P<spn>[^']*)'\s*\)"
    r"|(?P<property>appId|displayName|userPrincipalName|id)\s+eq\s+'(?P<value>[^']*)')\s*$",
    re.IGNORECASE,
)
_COLLECTIONS = {"servicePrincipals": "servicePrincipal", "groups": "group", "users": "user"}


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def register(app) -> None:
    def route(handler):
        def guarded(app, request, **arguments):
            try:
                claims = app.tokens.verify_for_graph(request.headers.get("authorization"))
                return handler(app, request, claims["tid"], **arguments)
            except GraphTokenError as error:
                return _error_response(app, request, GraphError(401, "InvalidAuthenticationToken", str(error)))
            except GraphError as error:
                return _error_response(app, request, error)

        guarded.__name__ = "graph_" + handler.__name__
        return guarded

    app.router.add("POST", V1 + r"/directoryObjects/getByIds", route(get_by_ids), kind="public")
    app.router.add("GET", V1 + r"/(?P<collection>servicePrincipals|groups|users)", route(list_objects), kind="public")
    app.router.add(
        "GET",
        V1 + r"/(?P<collection>servicePrincipals|groups|users|directoryObjects)/(?P<object_id>[^/]+)",
        route(get_object),
        kind="public",
    )
    app.router.add(
        ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        GRAPH_PATH + r"(?P<rest>/.*)?",
        route(not_served),
        kind="public",
        priority=60,
    )


def _error_response(app, request, error: GraphError):
    inner = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "request-id": request.request_id or str(uuid.uuid4()),
        "client-request-id": request.headers.get("client-request-id") or request.request_id,
    }
    # Graph's challenge: the authority and Graph's application id.
    challenge = (
        f'Bearer realm="", authorization_uri="{app.authority_host}/common/oauth2/authorize", '
        'client_id="00000003-0000-0000-c000-000000000000"'
    )
    headers = {"WWW-Authenticate": challenge} if error.status == 401 else None
    return json_response(
        {"error": {"code": error.code, "message": error.message, "innerError": inner}}, error.status, headers
    )


def _not_found(object_id: str) -> GraphError:
    # Graph's words for an id that names no object (e.g. microsoftgraph/msgraph-sdk-powershell issues).
    return GraphError(
        404,
        "Request_ResourceNotFound",
        f"Resource '{object_id}' does not exist or one of its queried reference-property objects are not present.",
    )


def _context(app, fragment: str) -> str:
    return f"{app.tokens.graph_resource}/v1.0/$metadata#{fragment}"


# -- the directory as Graph shows it ---------------------------------------------------------------
def _service_principal(principal: dict) -> dict:
    return {
        "@odata.type": "#microsoft.graph.servicePrincipal",
        "id": principal["object_id"],
        "accountEnabled": True,
        "appDisplayName": principal["name"],
        "appId": principal["client_id"],
        "appOwnerOrganizationId": principal["tenant_id"],
        "displayName": principal["name"],
        "servicePrincipalNames": [principal["client_id"]],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": [],
    }


def _group(group: dict) -> dict:
    return {
        "@odata.type": "#microsoft.graph.group",
        "id": group["object_id"],
        "displayName": group["display_name"],
        "description": None,
        "groupTypes": [],
        "mail": None,
        "mailEnabled": False,
        "mailNickname": re.sub(r"[^A-Za-z0-9]", "", group["display_name"]) or group["object_id"][:8],
        "securityEnabled": True,
    }


def _directory(app, tenant_id: str) -> dict[str, list[dict]]:
    """The caller's tenant's objects by Graph type."""
    tenant = tenant_id.lower()
    return {
        "servicePrincipal": [
            _service_principal(item) for item in app.store.principals() if item["tenant_id"].lower() == tenant
        ],
        "group": [_group(item) for item in app.store.directory_groups() if item["tenant_id"].lower() == tenant],
        "user": [],
    }


def _strip_type(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "@odata.type"}


# -- handlers -----------------------------------------------------------------------------------------
def get_by_ids(app, request, tenant_id):
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise GraphError(
            400,
            "Request_BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type "
            "header is set and payload is of valid JSON format.",
        )
    for object_id in ids:
        if not _GUID.match(object_id):
            raise GraphError(400, "Request_BadRequest", f"Invalid object identifier '{object_id}'.")
    wanted_types = body.get("types") or ["user", "group", "servicePrincipal", "directoryObjectPartnerReference"]
    wanted = {str(item).lower() for item in wanted_types}
    by_id = {
        item["id"].lower(): item
        for kind, items in _directory(app, tenant_id).items()
        if kind.lower() in wanted
        for item in items
    }
    value = [by_id[object_id.lower()] for object_id in ids if object_id.lower() in by_id]
    return json_response({"@odata.context": _context(app, "directoryObjects"), "value": value})


def _conditions(text: str) -> list[tuple[str, str]]:
    conditions = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        found = _CONDITION.match(part)
        if not found:
            raise GraphError(
                400,
                "Request_UnsupportedQuery",
                f"Unsupported or invalid query filter clause specified for property '{part.strip()}' of resource.",
            )
        if found.group("spn") is not None:
            conditions.append(("servicePrincipalNames", found.group("spn")))
        else:
            conditions.append((found.group("property"), found.group("value")))
    return conditions


def _matches(body: dict, conditions: list[tuple[str, str]]) -> bool:
    for name, value in conditions:
        current = next((item for key, item in body.items() if key.lower() == name.lower()), None)
        values = current if isinstance(current, list) else [current]
        if not any(isinstance(item, str) and item.lower() == value.lower() for item in values):
            return False
    return True


def list_objects(app, request, tenant_id, collection):
    text = request.query.get("$filter", "")
    conditions = _conditions(text) if text.strip() else []
    items = _directory(app, tenant_id)[_COLLECTIONS[collection]]
    value = [_strip_type(item) for item in items if _matches(item, conditions)]
    return json_response({"@odata.context": _context(app, collection), "value": value})


def get_object(app, request, tenant_id, collection, object_id):
    directory = _directory(app, tenant_id)
    kinds = list(directory) if collection == "directoryObjects" else [_COLLECTIONS[collection]]
    for kind in kinds:
        for item in directory[kind]:
            if item["id"].lower() == object_id.lower():
                body = item if collection == "directoryObjects" else _strip_type(item)
                return json_response({"@odata.context": _context(app, f"{collection}/$entity"), **body})
    raise _not_found(object_id)


def not_served(app, request, tenant_id, rest=None):
    segments = [item for item in (rest or "").split("/") if item]
    if segments[:1] == ["v1.0"] and len(segments) > 1 and segments[1] in (*_COLLECTIONS, "directoryObjects"):
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    unknown = segments[1] if segments[:1] == ["v1.0"] and len(segments) > 1 else (segments or [""])[0]
    raise GraphError(400, "BadRequest", f"Resource not found for the segment '{unknown}'.")
