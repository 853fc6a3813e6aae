# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure logic of ``ml_datastore``: argument checks, the desired datastores, the comparison and the plan.

No SDK and no request here. Datastores are plain dicts in the shape ``ml_datastore_info`` returns
(``ml_service.datastore_facts``); secrets travel separately and are compared by kind only, because Azure
never returns them.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

OWNERSHIP_TAG_KEY = "managed-by"
OWNERSHIP_TAG_VALUE = "it4ad.dlinfra"
BLOB_TYPE = "AzureBlob"
# The fields ml_datastore manages and compares, in the order a difference is reported.
COMPARED_FIELDS = ("type", "account_name", "container_name", "description", "tags", "credentials_type")
SECRET_OPTIONS = ("account_key", "sas_token")

_DATASTORE_NAME = re.compile(r"\A[a-zA-Z0-9_]{1,255}\Z")
_ACCOUNT_NAME = re.compile(r"\A[a-z0-9]{3,24}\Z")
_CONTAINER_NAME = re.compile(r"\A[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}\Z")


def is_managed(datastore: dict) -> bool:
    """Whether the datastore carries the collection's ownership tag (only those may be changed or detached)."""
    return (datastore.get("tags") or {}).get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE


def _check_entry(index: int, entry: dict, state: str) -> None:
    where = f"datastores[{index}]"
    name = entry.get("name") or ""
    if not _DATASTORE_NAME.match(name):
        raise DlinfraError(
            f"{where}.name '{name}' is not a valid datastore name. Fix: use 1-255 letters, digits and "
            "underscores (for example shared_datasets)."
        )
    if state == "absent":
        return
    for field in ("account_name", "container_name"):
        if not entry.get(field):
            raise DlinfraError(
                f"{where}.{field} is missing for datastore '{name}'. Fix: give it; state=present "
                "needs account_name and container_name."
            )
    if not _ACCOUNT_NAME.match(entry["account_name"]):
        raise DlinfraError(
            f"{where}.account_name '{entry['account_name']}' is not a storage account name. Fix: use "
            "3-24 lowercase letters and digits."
        )
    if not _CONTAINER_NAME.match(entry["container_name"]):
        raise DlinfraError(
            f"{where}.container_name '{entry['container_name']}' is not a blob container name. Fix: use "
            "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or "
            "digit."
        )
    tags = entry.get("tags") or {}
    if tags.get(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE) != OWNERSHIP_TAG_VALUE:
        raise DlinfraError(
            f"{where}.tags.{OWNERSHIP_TAG_KEY} is '{tags[OWNERSHIP_TAG_KEY]}'. Fix: leave that tag out; "
            f"the module sets {OWNERSHIP_TAG_KEY}: {OWNERSHIP_TAG_VALUE} on every datastore it manages."
        )
    credentials = entry.get("credentials")
    if credentials is not None:
        given = [option for option in SECRET_OPTIONS if credentials.get(option)]
        if len(given) != 1:
            raise DlinfraError(
                f"{where}.credentials of datastore '{name}' "
                + (
                    "gives both account_key and sas_token. Fix: give only one of them."
                    if given
                    else "gives neither account_key nor sas_token. Fix: give one of them, or "
                    "leave credentials out for an identity-based datastore."
                )
            )


def desired_datastores(entries: list[dict], state: str) -> list[tuple[dict, dict]]:
    """``(desired facts, secrets)`` per entry, after checking every entry; the first bad one raises ``DlinfraError``."""
    seen = set()
    result: list = []
    for index, entry in enumerate(entries):
        _check_entry(index, entry, state)
        if entry["name"] in seen:
            raise DlinfraError(
                f"datastores[{index}].name '{entry['name']}' is listed twice. Fix: list each datastore once."
            )
        seen.add(entry["name"])
        if state == "absent":
            result.append(({"name": entry["name"]}, {}))
            continue
        secrets = {
            option: value
            for option, value in (entry.get("credentials") or {}).items()
            if option in SECRET_OPTIONS and value
        }
        tags = {str(key): str(value) for key, value in (entry.get("tags") or {}).items()}
        tags[OWNERSHIP_TAG_KEY] = OWNERSHIP_TAG_VALUE
        result.append(
            (
                {
                    "name": entry["name"],
                    "type": BLOB_TYPE,
                    "account_name": entry["account_name"],
                    "container_name": entry["container_name"],
                    "description": entry.get("description") or None,
                    "tags": tags,
                    "credentials_type": next(iter(secrets), "identity"),
                },
                secrets,
            )
        )
    return result


def differences(current: dict, desired: dict) -> list[str]:
    """The managed fields in which ``current`` differs from ``desired`` (an empty and a missing description match)."""
    changed = []
    for field in COMPARED_FIELDS:
        have, want = current.get(field), desired.get(field)
        if field == "description":
            have, want = have or None, want or None
        if have != want:
            changed.append(field)
    return changed


def _unmanaged_conflict(name: str, action: str) -> DlinfraError:
    return DlinfraError(
        f"datastore '{name}' exists without the tag {OWNERSHIP_TAG_KEY}: {OWNERSHIP_TAG_VALUE}, so the module does "
        f"not {action} it (it may be a system datastore or one a developer added). Fix: choose another name, or add "
        "that tag to the datastore to hand it over to the module."
    )


def plan(current: dict[str, dict], desired: list[dict], state: str, exclusive: bool) -> dict:
    """What to do, decided before any write.

    ``current``: the workspace's datastores by name. Returns ``create`` and ``remove`` (names), ``update``
    (name -> differing fields) and ``after`` (the predicted datastores by name). A listed datastore that exists
    without the ownership tag is an error, so nothing is written when any entry conflicts.
    """
    after = copy.deepcopy(current)
    create, update, remove = [], {}, []
    listed = {item["name"] for item in desired}
    for item in desired:
        name = item["name"]
        existing = current.get(name)
        if state == "absent":
            if existing is not None:
                if not is_managed(existing):
                    raise _unmanaged_conflict(name, "detach")
                remove.append(name)
                del after[name]
            continue
        if existing is None:
            create.append(name)
            after[name] = dict(item, is_default=False)
            continue
        if not is_managed(existing):
            raise _unmanaged_conflict(name, "change")
        fields = differences(existing, item)
        if fields:
            update[name] = fields
            after[name] = dict(item, is_default=existing.get("is_default", False))
    if state == "present" and exclusive:
        for name in sorted(current):
            if name not in listed and is_managed(current[name]):
                remove.append(name)
                del after[name]
    return {"create": create, "update": update, "remove": remove, "after": after}


def has_changes(steps: dict) -> bool:
    return bool(steps["create"] or steps["update"] or steps["remove"])
