"""The application: state and services, independent of the HTTP server. Every request, a client's or a
deployment's, passes through the one pipeline in ``localazure/pipeline.py``."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localazure.authorization import Authorizer
from localazure.errors import AzureError
from localazure.http import Request, Response
from localazure.identity import KNOWN_RESOURCES, TokenService
from localazure.middleware.faults import Faults
from localazure.middleware.request_log import RequestLog
from localazure.middleware.throttling import Throttler
from localazure.operations import Operations, Sweeper
from localazure.pipeline import Pipeline
from localazure.policy import PolicyAssignments
from localazure.registry import Registry
from localazure.resources import ResourceService
from localazure.router import Router
from localazure.settings import Settings
from localazure.store import Store

ADMIN_SECRET_FILE = "admin-secret"
DATABASE = "state.sqlite3"
LOCATIONS = (
    "westeurope",
    "northeurope",
    "germanywestcentral",
    "swedencentral",
    "francecentral",
    "uksouth",
    "eastus",
    "eastus2",
    "westus2",
    "westus3",
    "centralus",
    "southcentralus",
    "canadacentral",
    "australiaeast",
    "japaneast",
    "southeastasia",
    "centralindia",
    "switzerlandnorth",
    "norwayeast",
)


@dataclass(frozen=True)
class BodyLimit:
    """A request-body limit of the routes whose paths ``pattern`` matches, instead of ARM's 4 MB
    (``http.MAX_REQUEST_BYTES``); ``refuse`` answers a body over it (or badly framed) in the routes' own shape."""

    pattern: re.Pattern
    limit: int
    refuse: Callable[[AzureError], Response]


class App:
    def __init__(self, settings: Settings, base_url: str):
        self.settings = settings
        self.state_dir = Path(settings.state_dir)
        self.arm_endpoint = base_url.rstrip("/")
        self.authority_host = self.arm_endpoint  # Entra ID imitation and ARM share the host
        self.locations = LOCATIONS
        self.store = Store(self.state_dir / DATABASE)
        self.tokens = TokenService(
            self.state_dir, self.authority_host, self.arm_endpoint, settings.token_lifetime_seconds
        )
        self.admin_secret = self._load_or_create_admin_secret()
        self.registry = Registry()
        self.router = Router()
        self.pipeline = Pipeline(self)
        self.operations = Operations(self)
        self.resources = ResourceService(self)
        self.throttler = Throttler(settings.throttling)
        self.faults = Faults(settings.faults, settings.latency, settings.provisioning_failures)
        self.policies = PolicyAssignments()
        self.request_log = RequestLog(self.store)
        self.sweeper = Sweeper(self.operations)
        self._principal_names: dict[str, str] = {}
        self.body_limits: list[BodyLimit] = []
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

    def add_body_limit(self, pattern: str, limit: int, refuse: Callable[[AzureError], Response]) -> None:
        """Routes whose paths match ``pattern`` (as the router matches them) read bodies up to ``limit`` bytes."""
        self.body_limits.append(BodyLimit(re.compile(pattern + r"/?\Z", re.IGNORECASE), limit, refuse))

    def body_limit(self, target: str) -> BodyLimit | None:
        """The body limit of a request target (path and query, as sent), or None for ARM's."""
        path = Request.from_target("GET", target, {}, b"").path
        return next((item for item in self.body_limits if item.pattern.match(path)), None)

    def retry_after_header(self) -> str:
        """Whole seconds: the generated SDKs deserialize Retry-After as an int."""
        return str(int(self.settings.long_running.retry_after_seconds))

    def is_known_resource(self, audience: str | None) -> bool:
        if not audience:
            return False
        normalized = audience.rstrip("/")
        return normalized in {item.rstrip("/") for item in KNOWN_RESOURCES} or normalized in (
            self.arm_endpoint,
            self.tokens.graph_resource,
        )

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

    # -- the pipeline (localazure/pipeline.py) ------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """A client's request over HTTPS."""
        return self.pipeline.handle(request)

    def dispatch(self, request: Request, *, observed: bool = True, cancel=None) -> Response:
        """A request made on ``request.principal``'s behalf (a deployment's); raises AzureError as a client gets."""
        return self.pipeline.dispatch(request, observed=observed, cancel=cancel)
