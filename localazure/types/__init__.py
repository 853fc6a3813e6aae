"""Resource type definitions. Each module has ``register(app)``; ``register_all`` registers every one here
(the ML provider registers its own)."""

from __future__ import annotations


def register_all(app) -> None:
    from localazure.types import (  # noqa: PLC0415 - the modules import the schema package lazily anyway
        authorization,
        container_registry,
        diagnostic_settings,
        file_shares,
        key_vault,
        key_vault_keys,
        locks,
        managed_identity,
        monitoring,
        network,
        storage,
    )

    for module in (
        storage,
        file_shares,
        container_registry,
        key_vault,
        key_vault_keys,
        monitoring,
        network,
        authorization,
        locks,
        managed_identity,
        diagnostic_settings,
    ):
        module.register(app)
