"""Deployment, scope and resource functions (template-functions-deployment, -scope, -resource)."""

from __future__ import annotations

from ..errors import ArmTemplateError
from ..ids import looks_like_guid, resource_group_id, scoped_resource_id, subscription_id
from ..values import UnknownValue
from .registry import UNLIMITED, expect, fail, function


# --- deployment -----------------------------------------------------------------------------------
@function("parameters", 1, 1)
def _parameters(ev, args):
    return ev.parameter(expect("parameters", args[0], str))


@function("variables", 1, 1)
def _variables(ev, args):
    return ev.variable(expect("variables", args[0], str))


@function("deployment", 0, 0)
def _deployment(ev, args):
    info = ev.scope.deployment_info
    if info is not None:
        return info
    return {"name": ev.context.deployment_name, "properties": {"mode": "Incremental"}}


@function("environment", 0, 0)
def _environment(ev, args):
    return ev.context.environment_object()


@function("copyIndex", 0, 2)
def _copy_index(ev, args):
    loop_name = None
    offset = 0
    for position, arg in enumerate(args):
        if isinstance(arg, str) and position == 0:
            loop_name = arg
        else:
            offset = expect("copyIndex", arg, int)
    loops = ev.scope
    key = (loop_name or loops.current_loop or "").lower()
    if not loops.copy_indexes or (loop_name is None and loops.current_loop is None):
        raise ArmTemplateError(
            "The template function 'copyIndex' is not expected at this location. The function "
            "can only be used in a resource with copy specified. Please see "
            "https://aka.ms/arm-resource-copy for usage details."
        )
    if key not in loops.copy_indexes:
        raise ArmTemplateError(
            f"The template function 'copyIndex' refers to the copy loop '{loop_name}' which "
            "was not found at this location."
        )
    return loops.copy_indexes[key] + offset


# --- scope ----------------------------------------------------------------------------------------
@function("resourceGroup", 0, 0)
def _resource_group(ev, args):
    if ev.context.scope != "resourceGroup":
        raise ArmTemplateError(
            "The template function 'resourceGroup' is not expected at this location. It can "
            "only be used in a resource group deployment."
        )
    return ev.context.resource_group_object()


@function("subscription", 0, 0)
def _subscription(ev, args):
    if ev.context.scope in ("managementGroup", "tenant"):
        raise ArmTemplateError("The template function 'subscription' is not expected at this location.")
    return ev.context.subscription_object()


@function("tenant", 0, 0)
def _tenant(ev, args):
    return ev.context.tenant_object()


# template-functions-scope#managementgroup: managementGroup() returns this type, with the
# '/providers/' prefix, unlike the type of a managementGroups resource.
MANAGEMENT_GROUP_OBJECT_TYPE = "/providers/Microsoft.Management/managementGroups"


@function("managementGroup", 0, 1)
def _management_group(ev, args):
    if args:
        name = expect("managementGroup", args[0], str)
        return {
            "id": f"/providers/Microsoft.Management/managementGroups/{name}",
            "name": name,
            "type": MANAGEMENT_GROUP_OBJECT_TYPE,
        }
    return {**ev.context.management_group_object(), "type": MANAGEMENT_GROUP_OBJECT_TYPE}


# --- resource ids ---------------------------------------------------------------------------------
def _strings(function_name, args):
    return [expect(function_name, arg, str, position=index + 1) for index, arg in enumerate(args)]


@function("resourceId", 2, UNLIMITED)
def _resource_id(ev, args):
    values = _strings("resourceId", args)
    type_index = next((index for index, value in enumerate(values) if "/" in value), None)
    if type_index is None or type_index > 2:
        raise fail("resourceId", "the resource type must be given as 'Namespace/type'.")
    leading, resource_type, names = values[:type_index], values[type_index], values[type_index + 1 :]
    context = ev.context
    if type_index == 2:
        scope = resource_group_id(leading[0], leading[1])
    elif type_index == 1:
        if context.scope != "resourceGroup" and looks_like_guid(leading[0]):
            scope = subscription_id(leading[0])
        else:
            scope = resource_group_id(context.subscription_id, leading[0])
    elif context.scope == "resourceGroup":
        scope = context.resource_group_id
    elif context.scope == "subscription":
        scope = context.subscription_scope_id
    else:
        scope = context.scope_id
    return scoped_resource_id(scope, resource_type, names, "resourceId")


@function("subscriptionResourceId", 2, UNLIMITED)
def _subscription_resource_id(ev, args):
    values = _strings("subscriptionResourceId", args)
    if "/" in values[0]:
        subscription, rest = ev.context.subscription_id, values
    else:
        subscription, rest = values[0], values[1:]
    if not rest:
        raise fail("subscriptionResourceId", "the resource type is missing.")
    return scoped_resource_id(subscription_id(subscription), rest[0], rest[1:], "subscriptionResourceId")


@function("tenantResourceId", 2, UNLIMITED)
def _tenant_resource_id(ev, args):
    values = _strings("tenantResourceId", args)
    return scoped_resource_id("", values[0], values[1:], "tenantResourceId")


@function("managementGroupResourceId", 2, UNLIMITED)
def _management_group_resource_id(ev, args):
    values = _strings("managementGroupResourceId", args)
    if "/" in values[0]:
        group, rest = ev.context.management_group, values
    else:
        group, rest = values[0], values[1:]
    scope = f"/providers/Microsoft.Management/managementGroups/{group}"
    return scoped_resource_id(scope, rest[0], rest[1:], "managementGroupResourceId")


@function("extensionResourceId", 3, UNLIMITED)
def _extension_resource_id(ev, args):
    values = _strings("extensionResourceId", args)
    return scoped_resource_id(values[0].rstrip("/"), values[1], values[2:], "extensionResourceId")


# --- runtime state ----------------------------------------------------------------------------------
def _resolve_target(ev, name_or_id: str) -> str:
    view = ev.template_view
    if view is not None:
        resolved = view.resolve_reference_target(name_or_id)
        if resolved is not None:
            return resolved
    if name_or_id.startswith("/"):
        return name_or_id
    if "/" in name_or_id:  # 'Microsoft.Storage/storageAccounts/name', relative to the deployment scope
        parts = name_or_id.split("/")
        resource_type = "/".join([parts[0]] + parts[1::2])
        return scoped_resource_id(ev.context.scope_id, resource_type, parts[2::2], "reference")
    raise ArmTemplateError(
        f"The template function 'reference' cannot resolve the resource '{name_or_id}': it is "
        "neither a resource id nor the name of a resource in this template."
    )


@function("reference", 1, 3)
def _reference(ev, args):
    target = expect("reference", args[0], str)
    api_version = expect("reference", args[1], str) if len(args) > 1 else None
    full = len(args) > 2 and str(args[2]).lower() == "full"
    resource_id = _resolve_target(ev, target)
    ev.referenced.add(resource_id)
    if ev.template_view is not None:
        known = ev.template_view.reference_value(resource_id, full)
        if known is not None:
            return known
    return ev.resolver.reference(resource_id, api_version, full)


@function("references", 1, 2)
def _references(ev, args):
    return UnknownValue("references")


@function("listResourceIds", 1, 2)
def _list_resource_ids(ev, args):
    return UnknownValue("listResourceIds")


def call_list_function(ev, name: str, args):
    """``listKeys(...)``, ``listSecrets(...)``, ... all POST to ``{id}/{name}`` through the resolver."""
    if not args:
        raise ArmTemplateError(f"The template language function '{name}' must have at least '1' parameter(s).")
    if any(isinstance(arg, UnknownValue) for arg in args):
        return UnknownValue(name)
    resource_id = _resolve_target(ev, expect(name, args[0], str))
    api_version = expect(name, args[1], str) if len(args) > 1 else None
    body = args[2] if len(args) > 2 else None
    ev.referenced.add(resource_id)
    return ev.resolver.list(name, resource_id, api_version, body)


_ZONAL_LOCATIONS = {
    "australiaeast",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "japaneast",
    "koreacentral",
    "northeurope",
    "norwayeast",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus2",
    "westus3",
    "qatarcentral",
    "polandcentral",
    "italynorth",
}


# Resource types that support availability zones (the pickZones examples use virtual machines and
# show that Microsoft.Cdn/profiles gets no zones).
_ZONAL_TYPES = {
    "microsoft.compute/virtualmachines",
    "microsoft.compute/virtualmachinescalesets",
    "microsoft.compute/disks",
    "microsoft.network/publicipaddresses",
    "microsoft.network/loadbalancers",
    "microsoft.network/applicationgateways",
    "microsoft.network/azurefirewalls",
    "microsoft.network/virtualnetworkgateways",
    "microsoft.storage/storageaccounts",
    "microsoft.containerservice/managedclusters",
    "microsoft.documentdb/databaseaccounts",
    "microsoft.sql/servers/databases",
    "microsoft.keyvault/vaults",
    "microsoft.containerregistry/registries",
}


@function("pickZones", 3, 5)
def _pick_zones(ev, args):
    namespace, resource_type, location = _strings("pickZones", args[:3])
    location = location.replace(" ", "").lower()
    count = expect("pickZones", args[3], int) if len(args) > 3 else 1
    offset = expect("pickZones", args[4], int) if len(args) > 4 else 0
    if f"{namespace}/{resource_type}".lower() not in _ZONAL_TYPES or location not in _ZONAL_LOCATIONS:
        return []
    zones = ["1", "2", "3"]
    return [zones[(offset + index) % 3] for index in range(min(count, 3))]


@function("providers", 1, 2)
def _providers(ev, args):
    return UnknownValue("providers")
