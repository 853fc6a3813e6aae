"""The collection's ARM template engine, as the endpoint uses it: the engine's facade
(``plugins/module_utils/arm/api.py``), imported by the collection's name so that the endpoint runs the very
engine the collection ships. ``make setup`` puts that name on the venv's path.

The rest of ``localazure`` imports the engine from here; the facade's ``__all__`` is the one list of its names.
"""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import *  # noqa: F403 - the facade, whole
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import __all__  # noqa: F401
