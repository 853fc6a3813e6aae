"""The one request pipeline. Every request passes through it, whether it arrives over HTTPS (``handle``) or is
made by a running deployment on its caller's behalf (``dispatch``: the PUT of a resource or resource group, a
complete-mode DELETE, the GET behind ``reference()`` and the POST behind ``list*()``).

Steps, in order, for Resource Manager routes:

1. authentication: the bearer token over HTTPS; a deployment's request carries its caller's ``Principal``;
2. api-version present, and throttling (HTTPS only: a deployment's requests are ARM's own);
3. authorization of the operation the method and path name (``Authorizer.check_request``), as the principal,
   then management locks (``locks.check_locks``: 409 ScopeLocked);
4. body validation: a body must be JSON (``InvalidRequestContent``) before anything acts on it;
5. faults: injected latency and failures;
6. request log: the outcome, with the principal, once the handler has answered;
7. the route's handler, which may authorize further (``app.authorize``).

Public routes (metadata, Entra ID) skip 1-3; admin routes take the admin secret instead and are not logged.
"""

from __future__ import annotations

import hmac
import time
import traceback
import uuid

from localazure.error_catalogue import AUTHORIZATION_FAILED, INTERNAL_SERVER_ERROR, MISSING_API_VERSION_PARAMETER
from localazure.errors import AzureError
from localazure.http import Principal, Request, Response, json_response
from localazure.ids import scope_parts
from localazure.locks import check_locks
from localazure.middleware.faults import DROP

ADMIN_HEADER = "x-localazure-admin"
BODY_METHODS = ("PUT", "PATCH", "POST")


class Pipeline:
    def __init__(self, app):
        self.app = app

    # -- entry points ------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """A request from a client over HTTPS: always answers, in Azure's error shape on failure."""
        started = time.perf_counter()
        request.request_id = str(uuid.uuid4())
        request.correlation_id = request.headers.get("x-ms-correlation-request-id") or request.request_id
        route_kind = None
        try:
            route, arguments = self.app.router.match(request.method, request.path)
            route_kind = route.kind
            response = self._run(route, arguments, request, internal=False)
        except AzureError as error:
            response = json_response(error.body(), error.status, error.headers)
        except Exception as error:  # noqa: BLE001 - a bug must still answer in Azure's shape
            traceback.print_exc()
            response = json_response(
                {"error": {"code": "InternalServerError", "message": f"Encountered internal server error: {error!r}"}},
                500,
            )
        headers = response.headers
        headers.setdefault("x-ms-request-id", request.request_id)
        headers.setdefault("x-ms-correlation-request-id", request.correlation_id)
        headers.setdefault(
            "x-ms-routing-request-id",
            f"WESTEUROPE:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:{request.request_id}",
        )
        if "x-ms-client-request-id" in request.headers:
            headers.setdefault("x-ms-client-request-id", request.headers["x-ms-client-request-id"])
        if route_kind != "admin":
            self._log(request, 0 if response.drop_connection else response.status, started)
        return response

    def dispatch(self, request: Request, *, observed: bool = True, cancel=None) -> Response:
        """A request a deployment makes as ``request.principal``. Raises the AzureError a client would get.

        ``observed`` requests (writes) take injected faults and appear in the request log as the caller's; the
        reads behind ``reference()`` and ``list*()`` are repeated at every evaluation of a template, so they are
        authorized and served like any other but neither logged nor faulted. ``cancel`` (an Event) cuts injected
        latency short."""
        if not request.request_id:
            request.request_id = str(uuid.uuid4())
        started = time.perf_counter()
        route, arguments = self.app.router.match(request.method, request.path)
        if not observed:
            return self._run(route, arguments, request, internal=True, faults=False)
        try:
            response = self._run(route, arguments, request, internal=True, cancel=cancel)
            if response.drop_connection:
                raise INTERNAL_SERVER_ERROR("The resource provider dropped the connection.")
        except AzureError as error:
            self._log(request, error.status, started)
            raise
        self._log(request, response.status, started)
        return response

    # -- the steps ---------------------------------------------------------------------------------
    def _run(
        self, route, arguments: dict, request: Request, *, internal: bool, faults: bool = True, cancel=None
    ) -> Response:
        app = self.app
        if route.kind == "admin":
            self._check_admin_secret(request)
            return as_response(route.handler(app, request, **arguments))
        throttle_headers: dict[str, str] = {}
        if route.kind == "arm":
            if not internal:
                request.principal = self._authenticate(request)
            if not request.api_version:
                raise MISSING_API_VERSION_PARAMETER(
                    "The api-version query parameter (?api-version=) is required for all requests."
                )
            if not internal and request.principal is not None:
                subscription_id, _ = scope_parts(request.path)
                throttle_headers = app.throttler.check(request.method, subscription_id, request.principal.object_id)
            if app.authorizer is not None:
                app.authorizer.check_request(request)
            check_locks(app, request)
            if request.method in BODY_METHODS:
                request.json(required=False)
        if faults:
            failure = self._faults(request, cancel)
            if failure is not None:
                return failure
        try:
            response = as_response(route.handler(app, request, **arguments))
        except AzureError as error:
            error.headers = {**throttle_headers, **error.headers}
            raise
        for name, value in throttle_headers.items():
            response.headers.setdefault(name, value)
        return response

    def _check_admin_secret(self, request: Request) -> None:
        supplied = request.headers.get(ADMIN_HEADER, "")
        if not supplied or not hmac.compare_digest(supplied.encode(), self.app.admin_secret.encode()):
            raise AUTHORIZATION_FAILED(
                f"The admin routes need the '{ADMIN_HEADER}' header with the secret from the state "
                "dir's admin-secret file."
            )

    def _authenticate(self, request: Request) -> Principal:
        claims = self.app.tokens.verify_for_arm(request.headers.get("authorization"))
        return Principal(
            object_id=claims["oid"],
            tenant_id=claims["tid"],
            client_id=claims.get("appid", ""),
            name=self.app.principal_name(claims["oid"]),
            claims=claims,
        )

    def _faults(self, request: Request, cancel) -> Response | None:
        faults = self.app.faults
        delay = faults.delay_seconds(request.method, request.path)
        if delay:
            if cancel is not None:
                cancel.wait(delay)
            else:
                time.sleep(delay)
        failure = faults.next_failure(request.method, request.path)
        if failure == DROP:
            return Response(drop_connection=True)
        if failure is not None:
            raise failure
        return None

    def _log(self, request: Request, status: int, started: float) -> None:
        self.app.request_log.record(
            request.method,
            request.path,
            request.api_version,
            request.principal,
            status,
            (time.perf_counter() - started) * 1000,
            request.request_id,
        )


def as_response(result) -> Response:
    if isinstance(result, Response):
        return result
    return json_response(result)
