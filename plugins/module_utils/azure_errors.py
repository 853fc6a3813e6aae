# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one error type and the translation of Azure SDK errors into readable messages.

Every SDK call of a module runs inside ``azure_operation("create ... 'name'")``; whatever the SDK raises
comes out as ``DlinfraError`` whose message names the operation, Azure's status, code and message, the
details Azure gave, and what to do where that is known. ``main()`` catches ``DlinfraError`` once.
"""

from __future__ import annotations

import contextlib

# Azure error code (lower case) -> what the user can do about it.
_HINTS = {
    "authorizationfailed": "grant the deploying principal a role that allows this action on the scope "
    "(Owner or Contributor plus User Access Administrator for role assignments).",
    "linkedauthorizationfailed": "the principal also needs permission on the linked resource the message names.",
    "storageaccountalreadytaken": "the name is taken somewhere in Azure; choose another dlinfra_name_prefix.",
    "registrynamealreadyexists": "the name is taken somewhere in Azure; choose another dlinfra_name_prefix.",
    "vaultalreadyexists": "the name is taken (or soft-deleted) in Azure; choose another dlinfra_name_prefix "
    "or purge the deleted vault.",
    "conflictingvaultname": "a soft-deleted vault holds the name; purge it or choose another dlinfra_name_prefix.",
    "quotaexceeded": "request a quota increase for the VM family in this region, or lower "
    "dlinfra_compute_max_nodes / choose another dlinfra_compute_vm_size.",
    "operationnotallowed": "check the subscription's quota and policies for this resource type.",
    "requestdisallowedbypolicy": "an Azure Policy assignment denies this resource; ask its owner for an exemption "
    "or change the template to comply.",
    "resourcegroupnotfound": "create the resource group first, or give the module a location to create it.",
    "subscriptionnotfound": "check dlinfra_subscription_id and that the principal can see the subscription.",
    "invalidauthenticationtokentenant": "the credential belongs to another tenant than the subscription; "
    "check the tenant of the credential.",
    "subscriptionrequeststhrottled": "Azure throttled the requests and the retries ran out; run again later.",
    "principalnotfound": "the principal or group id does not exist in the tenant; check "
    "developer_group_object_id of the work package.",
}


class DlinfraError(Exception):
    """A failure the user can read: the operation, Azure's answer and, where known, the fix."""

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = None, details: list | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or []


def hint_for(code: str | None) -> str | None:
    return _HINTS.get(str(code or "").lower())


def error_parts(error) -> tuple[int | None, str | None, str, list]:
    """``(status, code, message, details)`` of an azure-core exception, without the traceback."""
    status = getattr(error, "status_code", None)
    odata = getattr(error, "error", None)
    code = getattr(odata, "code", None)
    message = getattr(odata, "message", None)
    details = []
    for detail in getattr(odata, "details", None) or []:
        details.append(
            {
                "code": getattr(detail, "code", None),
                "message": getattr(detail, "message", None),
                "target": getattr(detail, "target", None),
            }
        )
    if not message:
        message = str(getattr(error, "message", None) or error).split("\n", 1)[0]
    if code is None:
        code = getattr(error, "reason", None) if status else type(error).__name__
    return status, code, message, details


def describe(operation: str, error) -> DlinfraError:
    """One readable ``DlinfraError`` for an SDK exception raised by ``operation``."""
    if isinstance(error, DlinfraError):
        return error
    status, code, message, details = error_parts(error)
    return failure(operation, code, message, details, status)


def failure(
    operation: str, code: str | None, message: str | None, details: list | None = None, status: int | None = None
) -> DlinfraError:
    """The ``DlinfraError`` of a failed operation: Azure's status, code, message and details, and the fix."""
    details = [detail for detail in details or [] if isinstance(detail, dict)]
    text = f"{operation} failed: " + (f"HTTP {status} " if status else "") + f"{code}: {message}"
    for detail in details:
        text += f"\n  - {detail.get('code')}: {detail.get('message')}"
    hint = hint_for(code) or next(
        (hint_for(detail.get("code")) for detail in details if hint_for(detail.get("code"))), None
    )
    if hint:
        text += f"\nFix: {hint}"
    return DlinfraError(text, code=code, status=status, details=details)


@contextlib.contextmanager
def azure_operation(operation: str):
    """Run SDK calls; any exception becomes one ``DlinfraError`` naming ``operation``."""
    try:
        yield
    except DlinfraError:
        raise
    except Exception as error:  # noqa: BLE001 - the one boundary that turns SDK errors into readable ones
        raise describe(operation, error) from None


def is_not_found(error) -> bool:
    return getattr(error, "status_code", None) == 404
