"""ARM deployments in the local endpoint: templates run by the collection's engine (``plugins/module_utils/arm``)
against live state, through the same resource pipeline as client requests. ``register(app)`` is called from
``localazure/routes_setup.py``; it sets ``app.deployments`` and adds the routes."""

from __future__ import annotations


def register(app) -> None:
    from localazure.deployments import routes  # noqa: PLC0415 - imports the engine only when the app starts
    from localazure.deployments.service import DeploymentService  # noqa: PLC0415

    app.deployments = DeploymentService(app)
    routes.register(app)
