"""The Azure Machine Learning resource provider (Microsoft.MachineLearningServices): workspaces, computes and
datastores with Azure ML's semantics. ``register(app)`` is called from localazure/routes_setup.py."""

from __future__ import annotations

from . import routes
from .computes import make_compute_type
from .datastores import make_datastore_type
from .workspaces import make_workspace_type


def register(app) -> None:
    for resource_type in (make_workspace_type(), make_compute_type(), make_datastore_type()):
        app.registry.register(resource_type)
    routes.register(app)
