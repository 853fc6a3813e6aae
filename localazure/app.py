"""The application: state, services and the request pipeline, independent of the HTTP server.

Pipeline for every request: ids -> route match -> admin secret (admin routes) -> fault injection and latency
-> bearer token (ARM routes) -> api-version present -> throttling -> handler -> Azure headers -> request log.
"""
from __future__ import annotations

import hmac
import secrets
import time
import uuid
from pathlib import Path

from localazure.authorization import Authorizer
from localazure.errors import AzureError
from localazure.http import Principal, Request, Response, json_response
from localazure.identity import KNOWN_RESOURCES, TokenService
from localazure.ids import scope_parts
from localazure.middleware.faults import DROP, Faults
from localazure.middleware.request_log import RequestLog
from localazure.middleware.throttling import Throttler
from localazure.operations import Operations, Sweeper
from localazure.registry import Registry
from localazure.resources import ResourceService
from localazure.router import Router
from localazure.settings import Settings
from localazure.store import Store

ADMIN_SECRET_FILE = "admin-secret"
ADMIN_HEADER = "x-localazure-admin"
DATABASE = "state.sqlite3"
LOCATIONS = ("westeurope", "northeurope", "germanywestcentral", "swedencentral", "francecentral", "uksouth",
             "eastus", "eastus2", "westus2", "westus3", "centralus", "southcentralus", "canadacentral",
             "australiaeast", "japaneast", "southeastasia", "centralindia", "switzerlandnorth", "norwayeast")


class App:
    def __init__(self, settings: Settings, base_url: str):
        self.settings = settings
        self.state_dir = Path(settings.state_dir)
        self.arm_endpoint = base_url.rstrip("/")
        self.authority_host = self.arm_endpoint  # Entra ID imitation and ARM share the host
        self.locations = LOCATIONS
        self.store = Store(self.state_dir / DATABASE)
        self.tokens = TokenService(self.state_dir, self.authority_host, self.arm_endpoint,
                                   settings.token_lifetime_seconds)
        self.admin_secret = self._load_or_create_admin_secret()
        self.registry = Registry()
        self.router = Router()
        self.operations = Operations(self)
        self.resources = ResourceService(self)
        self.throttler = Throttler(settings.throttling)
        self.faults = Faults(settings.faults, settings.latency, settings.provisioning_failures)
        self.request_log = RequestLog(self.store)
        self.sweeper = Sweeper(self.operations)
        self._principal_names: dict[str, str] = {}
        # RBAC: authorizer(app, request, action, scope) raises AzureError 403 (localazure/authorization.py).
        self.authorizer = Authorizer(self)
        from localazure import routes_setup  # noqa: PLC0415 - avoids an import cycle
        routes_setup.register_all(self)

    def start_background(self) -> None:
        self.sweeper.start()

    def stop_background(self) -> None:
        self.sweeper.stopped.set()
        self.request_log.stop()

    # -- helpers for route handlers ----------------------------------------------------------------------
    def authorize(self, request: Request, action: str, scope: str) -> None:
        """Hook for RBAC (phase C). ``action`` is an ARM action string, ``scope`` a resource id or scope."""
        if self.authorizer is not None and request.principal is not None:
            self.authorizer(self, request, action, scope)

    def retry_after_header(self) -> str:
        """Whole seconds: the generated SDKs deserialize Retry-After as an int."""
        return str(int(self.settings.long_running.retry_after_seconds))

    def is_known_resource(self, audience: str | None) -> bool:
        if not audience:
            return False
        normalized = audience.rstrip("/")
        return normalized in {item.rstrip("/") for item in KNOWN_RESOURCES} or normalized in (
            self.arm_endpoint, self.tokens.graph_resource)

    def principal_name(self, object_id: str) -> str | None:
        name = self._principal_names.get(object_id)
        if name is None:
            self._principal_names = {item["object_id"]: item["name"] for item in self.store.principals()}
            name = self._principal_names.get(object_id)
        return name

    def _load_or_create_admin_secret(self) -> str:
        path = self.state_dir / ADMIN_SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        secret = secrets.token_urlsafe(32)
        path.write_text(secret + "\n")
        path.chmod(0o600)
        return secret

    # -- the pipeline ------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        request.request_id = str(uuid.uuid4())
        request.correlation_id = request.headers.get("x-ms-correlation-request-id") or request.request_id
        route_kind = None
        try:
            route, arguments = self.router.match(request.method, request.path)
            route_kind = route.kind
            response = self._run(route, arguments, request)
        except AzureError as error:
            response = json_response(error.body(), error.status, error.headers)
        except Exception as error:  # noqa: BLE001 - a bug must still answer in Azure's shape
            import traceback  # noqa: PLC0415
            traceback.print_exc()
            response = json_response({"error": {"code": "InternalServerError",
                                                "message": f"Encountered internal server error: {error!r}"}}, 500)
        response.headers.setdefault("x-ms-request-id", request.request_id)
        response.headers.setdefault("x-ms-correlation-request-id", request.correlation_id)
        response.headers.setdefault("x-ms-routing-request-id", f"WESTEUROPE:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:"
                                                               f"{request.request_id}")
        if "x-ms-client-request-id" in request.headers:
            response.headers.setdefault("x-ms-client-request-id", request.headers["x-ms-client-request-id"])
        if route_kind != "admin":
            self.request_log.record(request.method, request.path, request.api_version, request.principal,
                                    0 if response.drop_connection else response.status,
                                    (time.perf_counter() - started) * 1000, request.request_id)
        return response

    def _run(self, route, arguments: dict, request: Request) -> Response:
        if route.kind == "admin":
            supplied = request.headers.get(ADMIN_HEADER, "")
            if not supplied or not hmac.compare_digest(supplied.encode(), self.admin_secret.encode()):
                raise AzureError(403, "AuthorizationFailed",
                                 f"The admin routes need the '{ADMIN_HEADER}' header with the secret from the state "
                                 "dir's admin-secret file.")
            return self._as_response(route.handler(self, request, **arguments))
        delay = self.faults.delay_seconds(request.method, request.path)
        if delay:
            time.sleep(delay)
        failure = self.faults.next_failure(request.method, request.path)
        if failure == DROP:
            return Response(drop_connection=True)
        if failure is not None:
            raise failure
        throttle_headers: dict[str, str] = {}
        if route.kind == "arm":
            claims = self.tokens.verify_for_arm(request.headers.get("authorization"))
            request.principal = Principal(object_id=claims["oid"], tenant_id=claims["tid"],
                                          client_id=claims.get("appid", ""), name=self.principal_name(claims["oid"]),
                                          claims=claims)
            if not request.api_version:
                raise AzureError(400, "MissingApiVersionParameter",
                                 "The api-version query parameter (?api-version=) is required for all requests.")
            subscription_id, unused_1 = scope_parts(request.path)
            throttle_headers = self.throttler.check(request.method, subscription_id, request.principal.object_id)
            if self.authorizer is not None:
                self.authorizer.check_request(request)
        try:
            response = self._as_response(route.handler(self, request, **arguments))
        except AzureError as error:
            error.headers = {**throttle_headers, **error.headers}
            raise
        for name, value in throttle_headers.items():
            response.headers.setdefault(name, value)
        return response

    @staticmethod
    def _as_response(result) -> Response:
        if isinstance(result, Response):
            return result
        return json_response(result)
