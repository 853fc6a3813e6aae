# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: the auth/cloud options, the dependency gate and the error boundary.

A module calls ``run_module(argument_spec, run, requirements=...)``; ``run(module, factory)`` returns the result
dict or raises ``DlinfraError``, which becomes one ``fail_json`` with a readable message and no traceback.
"""

from __future__ import annotations

import importlib
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_auth import AUTH_SOURCES
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

AZURE_COMMON_ARGUMENT_SPEC = {
    "auth_source": {"type": "str", "default": "auto", "choices": list(AUTH_SOURCES)},
    "subscription_id": {"type": "str"},
    "client_id": {"type": "str"},
    "secret": {"type": "str", "no_log": True},
    "tenant": {"type": "str"},
    "profile": {"type": "str"},
    "cloud": {"type": "str"},
    "arm_endpoint": {"type": "str"},
    "authority_host": {"type": "str"},
    "ca_bundle": {"type": "path"},
    "operation_timeout": {"type": "int", "default": 1800},
    "polling_interval": {"type": "float", "default": 5},
}

# (import name, pip name, minimum version) of what the ARM modules need; ML modules add azure-ai-ml.
ARM_REQUIREMENTS = (
    ("azure.identity", "azure-identity", "1.16"),
    ("azure.core", "azure-core", "1.30"),
    ("azure.mgmt.resource.resources", "azure-mgmt-resource", "24"),
    ("azure.mgmt.resource.deployments", "azure-mgmt-resource-deployments", "1.0"),
)
ML_REQUIREMENTS = (("azure.identity", "azure-identity", "1.16"), ("azure.ai.ml", "azure-ai-ml", "1.25"))


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in str(text).split("."):
        digits = "".join(character for character in piece if character.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def missing_requirement(requirements) -> tuple[str, str | None, str | None] | None:
    """``(pip name, found version or None, traceback)`` of the first requirement that is absent or too old."""
    for import_name, pip_name, minimum in requirements:
        try:
            importlib.import_module(import_name)
        except ImportError:
            return f"{pip_name}>={minimum}", None, traceback.format_exc()
        try:
            from importlib.metadata import version

            found = version(pip_name)
        except Exception:  # noqa: BLE001 - metadata missing: the import worked, accept it
            continue
        if _version_tuple(found) < _version_tuple(minimum):
            return f"{pip_name}>={minimum}", found, None
    return None


def run_module(
    argument_spec: dict, run, *, requirements=ARM_REQUIREMENTS, supports_check_mode: bool = True, **module_kwargs
):
    """Build the module, check dependencies and arguments, run ``run(module, factory)`` and exit."""
    module = AnsibleModule(
        argument_spec={**AZURE_COMMON_ARGUMENT_SPEC, **argument_spec},
        supports_check_mode=supports_check_mode,
        **module_kwargs,
    )
    missing = missing_requirement(requirements)
    if missing:
        name, found, import_traceback = missing
        reason = f"found version {found}" if found else None
        module.fail_json(msg=missing_required_lib(name, reason=reason), exception=import_traceback)
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.client_factory import ClientFactory

    try:
        result = run(module, lambda: ClientFactory(module.params))
    except DlinfraError as error:
        module.fail_json(msg=error.message, error_code=error.code, error_details=error.details)
    module.exit_json(**result)
