"""Resource ids: building them like ``resourceId()`` and friends, and reading them back."""

from __future__ import annotations

import re

from .errors import ArmTemplateError

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def looks_like_guid(text: str) -> bool:
    return bool(_GUID.match(text))


def split_names(names) -> list[str]:
    """Resource names as segments: ``'vnet/subnet'`` is two names."""
    segments = []
    for name in names:
        segments.extend(str(name).split("/"))
    return segments


def provider_path(resource_type: str, names, function_name: str = "resourceId") -> str:
    """``/providers/Ns/type1/name1/type2/name2`` for a type ``Ns/type1/type2`` and its names."""
    namespace, *types = resource_type.split("/")
    segments = split_names(names)
    if not namespace or not types or len(types) != len(segments):
        raise ArmTemplateError(
            f"Unable to evaluate template language function '{function_name}': the type '{resource_type}' "
            f"requires '{len(types)}' resource name argument(s), but '{len(segments)}' were provided."
        )
    return f"/providers/{namespace}" + "".join(f"/{kind}/{name}" for kind, name in zip(types, segments, strict=True))


def scoped_resource_id(scope_id: str, resource_type: str, names, function_name: str = "resourceId") -> str:
    """The id of a resource of ``resource_type`` named ``names`` under ``scope_id`` ('' = tenant).

    A type with a trailing slash (``'Microsoft.Storage/storageAccounts/'``) names the same type, as in ARM.
    """
    resource_type = resource_type.rstrip("/")
    if (
        resource_type.lower() == "microsoft.resources/resourcegroups"
        and scope_id.count("/") == 2
        and scope_id.lower().startswith("/subscriptions/")
    ):
        return f"{scope_id}/resourceGroups/{split_names(names)[0]}"
    if resource_type.lower() == "microsoft.resources/subscriptions" and scope_id == "":
        return f"/subscriptions/{split_names(names)[0]}"
    return scope_id + provider_path(resource_type, names, function_name)


def subscription_id(subscription: str) -> str:
    return f"/subscriptions/{subscription}"


def resource_group_id(subscription: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}"


_PROVIDERS = re.compile(r"/providers/", re.IGNORECASE)


def parse_resource_id(resource_id: str) -> dict:
    """Split an id into ``scope`` (the parent scope id), ``type`` and ``name`` (``a/b`` for children).

    ``/subscriptions/s/resourceGroups/rg`` reads as a resource group in subscription ``s``.
    """
    parts = _PROVIDERS.split(resource_id)
    if len(parts) == 1:
        segments = [segment for segment in resource_id.split("/") if segment]
        if len(segments) == 4 and segments[0].lower() == "subscriptions" and segments[2].lower() == "resourcegroups":
            return {
                "scope": f"/subscriptions/{segments[1]}",
                "type": "Microsoft.Resources/resourceGroups",
                "name": segments[3],
            }
        if len(segments) == 2 and segments[0].lower() == "subscriptions":
            return {"scope": "", "type": "Microsoft.Resources/subscriptions", "name": segments[1]}
        raise ValueError(f"not a resource id: {resource_id!r}")
    scope = "/providers/".join(parts[:-1])
    segments = parts[-1].split("/")
    if len(segments) < 3 or len(segments) % 2 == 0:
        raise ValueError(f"not a resource id: {resource_id!r}")
    namespace = segments[0]
    types = segments[1::2]
    names = segments[2::2]
    return {"scope": scope, "type": "/".join([namespace, *types]), "name": "/".join(names)}


def normalize_id(resource_id: str) -> str:
    """Ids compare case-insensitively."""
    return resource_id.lower().rstrip("/")
