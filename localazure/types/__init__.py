"""Resource type definitions. Each module has ``register(app)``; ``register_all`` registers every one here
(the ML provider registers its own)."""

from __future__ import annotations


def register_all(app) -> None:
    from localazure.types import authorization, container_registry, key_vault, monitoring, network, storage  # noqa: PLC0415 - the modules import the schema package lazily anyway

    for module in (storage, container_registry, key_vault, monitoring, network, authorization):
        module.register(app)
