"""Which route modules and resource types the endpoint starts with. Later phases add theirs here."""

from __future__ import annotations

from localazure import acr, blob, deployments
from localazure import types as resource_types
from localazure.providers import machine_learning
from localazure.routes import admin, entra, generic, graph, metadata, resource_groups, subscriptions
from localazure.routes import authorization as authorization_routes
from localazure.routes import permissions as permission_routes


def register_all(app) -> None:
    for module in (metadata, entra, graph, admin, subscriptions, resource_groups, generic):
        module.register(app)
    resource_types.register_all(app)
    authorization_routes.register(app)
    permission_routes.register(app)
    machine_learning.register(app)
    deployments.register(app)
    blob.register(app)
    acr.register(app)
