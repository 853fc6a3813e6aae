"""Virtual networks, subnets, private endpoints and private DNS zone groups. Microsoft.Network PUT and DELETE are
long-running in Azure, with ``Azure-AsyncOperation`` under ``locations/{location}/operations``.

- A virtual network lists its subnets (children in the store); subnets sent inline are created as children.
  A PUT with ``subnets`` replaces them: omitted ones are deleted, unless in use (``InUseSubnetCannotBeDeleted``).
  A PUT without ``subnets`` deletes them all before api-version 2023-11-01 and keeps them from it on.
- A subnet's prefix must lie in its network's address space and overlap no other subnet of the network.
- A private endpoint needs an existing subnet in its own region and existing targets whose ``groupIds`` are
  valid for their type; Azure gives it a network interface, a private IP from the subnet and DNS configs.
- A private DNS zone group records an A record per DNS config of its endpoint.
"""

from __future__ import annotations

import ipaddress
import time

from localazure.cloud import cloud_document
from localazure.error_catalogue import (
    IN_USE_SUBNET_CANNOT_BE_DELETED,
    INVALID_ADDRESS_PREFIX_FORMAT,
    INVALID_RESOURCE_REFERENCE,
    NETCFG_SUBNET_RANGE_OUTSIDE_VNET,
    NETCFG_SUBNET_RANGES_OVERLAP,
    PRIVATE_ENDPOINT_BAD_REQUEST,
    SUBNET_IS_FULL,
)
from localazure.errors import AzureError
from localazure.ids import parse_resource_path
from localazure.resource_types import (
    CONTAINER_REGISTRIES,
    KEY_VAULTS,
    ML_WORKSPACES,
    PRIVATE_DNS_ZONE_GROUPS,
    PRIVATE_DNS_ZONES,
    PRIVATE_ENDPOINTS,
    PRIVATE_LINK_SCOPES,
    STORAGE_ACCOUNTS,
    SUBNETS,
    VIRTUAL_NETWORKS,
    type_key,
)
from localazure.types._base import ValidatedType, kept, linked_resource, new_guid, properties_of

DEFAULT_API_VERSION = "2024-05-01"
# From this api-version on, a virtual network PUT without ``subnets`` keeps the existing subnets (Azure networking
# blog "Azure Virtual Network now supports updates without subnet property", 2024; confirmed for 2023-11-01 in
# Azure/bicep-types-az#1687). Older versions delete them.
KEEPS_OMITTED_SUBNETS_FROM = "2023-11-01"
_NETWORK_OPTIONS = {
    "long_running_put": True,
    "long_running_delete": True,
    "etag": True,
    "status_segment": "operations",
    "result_segment": "operationResults",
    "default_api_version": DEFAULT_API_VERSION,
}

# Private link sub-resources (groupIds) per target type, from Azure's "What is a private endpoint?" table.
GROUP_IDS = {
    type_key(STORAGE_ACCOUNTS): (
        "blob",
        "blob_secondary",
        "table",
        "table_secondary",
        "queue",
        "queue_secondary",
        "file",
        "file_secondary",
        "web",
        "web_secondary",
        "dfs",
        "dfs_secondary",
    ),
    type_key(KEY_VAULTS): ("vault",),
    type_key(CONTAINER_REGISTRIES): ("registry",),
    type_key(ML_WORKSPACES): ("amlworkspace",),
    type_key(PRIVATE_LINK_SCOPES): ("azuremonitor",),
}


def _prefixes(properties: dict) -> list[str]:
    prefixes = list(properties.get("addressPrefixes") or [])
    if properties.get("addressPrefix"):
        prefixes.insert(0, properties["addressPrefix"])
    return prefixes


class VirtualNetwork(ValidatedType):
    def check(self, body, context):
        properties = properties_of(body)
        spaces = _address_spaces(properties)
        inline = [subnet for subnet in properties.get("subnets") or [] if isinstance(subnet, dict)]
        checked: list[tuple[str, list]] = []
        for subnet in inline:
            name = str(subnet.get("name", ""))
            networks = _subnet_networks(properties_of(subnet), f"{context.resource_id}/subnets/{name}")
            _check_inside(networks, spaces, name, context.path.name)
            _check_no_overlap(networks, checked, name, context.path.name)
            checked.append((name, networks))
        for subnet_id in self._subnets_to_delete(body, context):
            _check_not_in_use(context.store, subnet_id)

    def fill(self, result, context):
        properties = result["properties"]
        # Subnets are children in the store (``present`` lists them). The PUT's subnets are applied here, while
        # the body is built, so that they take effect even when the rest of the network is unchanged.
        self._apply_subnets(result, context)
        properties.pop("subnets", None)
        properties["resourceGuid"] = kept(context, "resourceGuid", new_guid)
        properties.setdefault("enableDdosProtection", False)
        properties.setdefault("virtualNetworkPeerings", [])

    def _apply_subnets(self, result, context) -> None:
        for subnet_id in self._subnets_to_delete(result, context):
            context.store.delete_resource_tree(subnet_id)
        for subnet in properties_of(result).get("subnets") or []:
            if isinstance(subnet, dict) and subnet.get("name"):
                subnet_id = f"{context.resource_id}/subnets/{subnet['name']}"
                stored = properties_of(context.store.get_resource(subnet_id))
                if stored and {**stored, **properties_of(subnet)} == stored:
                    continue  # unchanged: keeps its etag
                context.store.put_resource(
                    subnet_id,
                    SUBNETS,
                    context.resource_id,
                    {
                        "id": subnet_id,
                        "name": subnet["name"],
                        "type": SUBNETS,
                        "etag": f'W/"{new_guid()}"',
                        "properties": {**properties_of(subnet), "provisioningState": "Succeeded"},
                    },
                    context.api_version,
                    now=time.time(),
                )

    @staticmethod
    def _subnets_to_delete(body, context) -> list[str]:
        """The stored subnets a PUT removes: those its ``subnets`` omit, or all of them when it has none and the
        api-version predates 2023-11-01. A PATCH (tags only) removes none."""
        if context.existing is None or _is_patch(context):
            return []
        properties = properties_of(body)
        if properties.get("subnets") is None and context.api_version >= KEEPS_OMITTED_SUBNETS_FROM:
            return []
        kept_names = {
            str(subnet.get("name", "")).lower()
            for subnet in properties.get("subnets") or []
            if isinstance(subnet, dict)
        }
        return [
            subnet["id"]
            for subnet in context.store.list_resources(context.resource_id, SUBNETS)
            if subnet["name"].lower() not in kept_names
        ]

    def present(self, body, context):
        subnets = context.store.list_resources(context.resource_id, SUBNETS)
        return {**body, "properties": {**properties_of(body), "subnets": subnets}}


class Subnet(ValidatedType):
    def check(self, body, context):
        network = context.store.get_resource(context.path.parent_id) or {}
        networks = _subnet_networks(properties_of(body), context.resource_id)
        _check_inside(networks, _address_spaces(properties_of(network)), context.path.name, context.path.names[0])
        siblings = [
            (sibling["name"], _subnet_networks(properties_of(sibling), sibling["id"]))
            for sibling in context.store.list_resources(context.path.parent_id, SUBNETS)
            if sibling["id"].lower() != context.resource_id.lower()
        ]
        _check_no_overlap(networks, siblings, context.path.name, context.path.names[0])

    def fill(self, result, context):
        result["properties"].setdefault("privateEndpointNetworkPolicies", "Disabled")
        result["properties"].setdefault("privateLinkServiceNetworkPolicies", "Enabled")


def _is_patch(context) -> bool:
    return getattr(context.request, "method", "") == "PATCH"


def _address_spaces(network_properties: dict) -> list:
    return [
        ipaddress.ip_network(prefix, strict=False)
        for prefix in (network_properties.get("addressSpace") or {}).get("addressPrefixes") or []
    ]


def _subnet_networks(subnet_properties: dict, subnet_id: str) -> list:
    networks = []
    for prefix in _prefixes(subnet_properties):
        try:
            networks.append(ipaddress.ip_network(prefix, strict=False))
        except ValueError:
            raise INVALID_ADDRESS_PREFIX_FORMAT(
                f"Address prefix {prefix} of resource {subnet_id} is not formatted "
                "correctly. It should follow CIDR notation, for example 10.0.0.0/24."
            ) from None
    return networks


def _check_inside(networks: list, spaces: list, subnet_name: str, network_name: str) -> None:
    for subnet in networks:
        if spaces and not any(subnet.version == space.version and subnet.subnet_of(space) for space in spaces):
            raise NETCFG_SUBNET_RANGE_OUTSIDE_VNET(
                f"Subnet '{subnet_name}' is not valid because its IP address range is outside "
                f"the IP address range of virtual network '{network_name}'."
            )


def _check_no_overlap(networks: list, others: list, subnet_name: str, network_name: str) -> None:
    for subnet in networks:
        for _, other_networks in others:
            if any(subnet.version == other.version and subnet.overlaps(other) for other in other_networks):
                # Microsoft.Network's code and words, quoted in MicrosoftDocs/azure-docs#123869.
                raise NETCFG_SUBNET_RANGES_OVERLAP(
                    f"Subnet '{subnet_name}' is not valid because its IP address range overlaps with "
                    f"that of an existing subnet in virtual network '{network_name}'."
                )


def _check_not_in_use(store, subnet_id: str) -> None:
    subnet_name = subnet_id.rsplit("/", 1)[-1]
    subscription = f"/subscriptions/{parse_resource_path(subnet_id).subscription_id}"
    for _, _, endpoint in store.list_resources_under(subscription, PRIVATE_ENDPOINTS):
        if str((properties_of(endpoint).get("subnet") or {}).get("id", "")).lower() != subnet_id.lower():
            continue
        interfaces = properties_of(endpoint).get("networkInterfaces") or [{}]
        user = f"{interfaces[0].get('id', endpoint['id'])}/ipConfigurations/privateEndpointIpConfig"
        # Microsoft.Network's code and words, quoted in Azure/bicep#13267 and Azure/ResourceModules#1111.
        raise IN_USE_SUBNET_CANNOT_BE_DELETED(
            f"Subnet {subnet_name} is in use by {user} and cannot be deleted. In order to delete the "
            "subnet, delete all the resources within the subnet. See aka.ms/deletesubnet."
        )


def _reference_not_found(reference: str, referrer: str) -> AzureError:
    # Microsoft.Network's words for a reference to a missing resource.
    return INVALID_RESOURCE_REFERENCE(
        f"Resource {reference} referenced by resource {referrer} was not found. Please make sure that "
        "the referenced resource exists, and that both resources are in the same region."
    )


def _connections(properties: dict):
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for index, connection in enumerate(properties.get(key) or []):
            if isinstance(connection, dict):
                yield key, index, connection


def _fqdn(app, target_id: str, group_id: str) -> str | None:
    path = parse_resource_path(target_id)
    suffixes = cloud_document(app, "2019-05-01")["suffixes"]
    kind = path.full_type.lower() if path else ""
    if kind == type_key(STORAGE_ACCOUNTS):
        return f"{path.name}.{group_id.removesuffix('_secondary')}.{suffixes['storage']}"
    if kind == type_key(KEY_VAULTS):
        return f"{path.name}.{suffixes['keyVaultDns']}"
    if kind == type_key(CONTAINER_REGISTRIES):
        return f"{path.name.lower()}.{suffixes['acrLoginServer']}"
    return None


class PrivateEndpoint(ValidatedType):
    def check(self, body, context):
        properties = properties_of(body)
        subnet_id = (properties.get("subnet") or {}).get("id")
        subnet_path = parse_resource_path(subnet_id) if isinstance(subnet_id, str) else None
        if subnet_path is None or subnet_path.full_type.lower() != SUBNETS.lower():
            linked_resource(context.app, subnet_id, "properties.subnet.id", expected_type=SUBNETS)
        if not context.store.resource_exists(subnet_path.id):
            raise _reference_not_found(subnet_id, context.resource_id)
        network = context.store.get_resource(subnet_path.parent_id) or {}
        if (
            network.get("location")
            and body.get("location")
            and network["location"] != str(body["location"]).replace(" ", "").lower()
        ):
            raise _reference_not_found(subnet_id, context.resource_id)
        for key, index, connection in _connections(properties):
            connection_properties = properties_of(connection)
            target_id = connection_properties.get("privateLinkServiceId")
            where = f"properties.{key}[{index}].properties.privateLinkServiceId"
            target_path = parse_resource_path(target_id) if isinstance(target_id, str) else None
            if target_path is None:
                linked_resource(context.app, target_id, where)  # malformed -> LinkedInvalidPropertyId
            if not context.store.resource_exists(target_path.id):
                raise _reference_not_found(target_id, context.resource_id)
            allowed = GROUP_IDS.get(target_path.full_type.lower())
            for group_id in connection_properties.get("groupIds") or []:
                if allowed is not None and str(group_id).lower() not in allowed:
                    # NOT VERIFIED: code and words; the valid groupIds per type are Azure's.
                    raise PRIVATE_ENDPOINT_BAD_REQUEST(
                        f"Call to {target_path.namespace}/{'/'.join(target_path.types)} failed. Error "
                        f"message: Private Endpoint group id '{group_id}' is not valid. Valid group ids "
                        f"are: {', '.join(allowed)}."
                    )

    def fill(self, result, context):
        properties = result["properties"]
        subnet_id = properties["subnet"]["id"]
        group = context.path.resource_group_id
        properties["networkInterfaces"] = kept(
            context,
            "networkInterfaces",
            lambda: [
                {"id": f"{group}/providers/Microsoft.Network/networkInterfaces/{context.path.name}.nic.{new_guid()}"}
            ],
        )
        address = kept(context, "customDnsConfigs", lambda: None)
        address = address[0]["ipAddresses"][0] if address else self._next_address(context, subnet_id)
        dns_configs = []
        for key, _index, connection in _connections(properties):
            connection.update(
                {
                    "id": f"{context.resource_id}/{key}/{connection.get('name', '')}",
                    "type": f"{PRIVATE_ENDPOINTS}/{key}",
                    "etag": f'W/"{new_guid()}"',
                }
            )
            connection_properties = connection.setdefault("properties", {})
            connection_properties["provisioningState"] = "Succeeded"
            connection_properties.setdefault(
                "privateLinkServiceConnectionState",
                {
                    "status": "Approved" if key == "privateLinkServiceConnections" else "Pending",
                    "description": "Auto-Approved" if key == "privateLinkServiceConnections" else "",
                    "actionsRequired": "None",
                },
            )
            for group_id in connection_properties.get("groupIds") or []:
                fqdn = _fqdn(context.app, connection_properties["privateLinkServiceId"], group_id)
                if fqdn:
                    dns_configs.append({"fqdn": fqdn, "ipAddresses": [address]})
        properties["customDnsConfigs"] = dns_configs or [{"ipAddresses": [address]}]
        properties.setdefault("ipConfigurations", [])
        properties.setdefault("customNetworkInterfaceName", "")
        properties.setdefault("manualPrivateLinkServiceConnections", [])
        properties.setdefault("privateLinkServiceConnections", [])

    @staticmethod
    def _next_address(context, subnet_id: str) -> str:
        """The next free address of the subnet: Azure keeps the first four of every subnet."""
        subnet = context.store.get_resource(subnet_id) or {}
        prefixes = _prefixes(properties_of(subnet))
        network = ipaddress.ip_network(prefixes[0] if prefixes else "10.0.0.0/24", strict=False)
        used = set()
        subscription = f"/subscriptions/{parse_resource_path(subnet_id).subscription_id}"
        for _id, _type, body in context.store.list_resources_under(subscription, PRIVATE_ENDPOINTS):
            if str((properties_of(body).get("subnet") or {}).get("id", "")).lower() != subnet_id.lower():
                continue
            for config in properties_of(body).get("customDnsConfigs") or []:
                used.update(config.get("ipAddresses") or [])
        for offset, host in enumerate(network.hosts()):
            if offset >= 3 and str(host) not in used:
                return str(host)
        raise SUBNET_IS_FULL(f"Subnet {subnet_id} does not have enough capacity for 1 IP addresses.")


class PrivateDnsZoneGroup(ValidatedType):
    def check(self, body, context):
        for index, config in enumerate(properties_of(body).get("privateDnsZoneConfigs") or []):
            zone_id = properties_of(config).get("privateDnsZoneId")
            zone_path = parse_resource_path(zone_id) if isinstance(zone_id, str) else None
            if zone_path is None or zone_path.full_type.lower() != type_key(PRIVATE_DNS_ZONES):
                linked_resource(
                    context.app,
                    zone_id,
                    f"properties.privateDnsZoneConfigs[{index}].properties.privateDnsZoneId",
                    expected_type=PRIVATE_DNS_ZONES,
                )
            if context.app.registry.get(zone_path.full_type) and not context.store.resource_exists(zone_path.id):
                raise _reference_not_found(zone_id, context.resource_id)

    def fill(self, result, context):
        endpoint = context.store.get_resource(context.path.parent_id) or {}
        dns_configs = properties_of(endpoint).get("customDnsConfigs") or []
        for config in properties_of(result).get("privateDnsZoneConfigs") or []:
            zone_name = parse_resource_path(properties_of(config)["privateDnsZoneId"]).name
            config_properties = config.setdefault("properties", {})
            config_properties["recordSets"] = [
                {
                    "recordType": "A",
                    "recordSetName": dns["fqdn"].split(".", 1)[0],
                    "fqdn": f"{dns['fqdn'].split('.', 1)[0]}.{zone_name}",
                    "ttl": 10,
                    "ipAddresses": dns["ipAddresses"],
                    "provisioningState": "Succeeded",
                }
                for dns in dns_configs
                if dns.get("fqdn")
            ]


def register(app) -> None:
    app.registry.register(VirtualNetwork(VIRTUAL_NETWORKS, **_NETWORK_OPTIONS), replace=True)
    app.registry.register(Subnet(SUBNETS, **_NETWORK_OPTIONS), replace=True)
    app.registry.register(PrivateEndpoint(PRIVATE_ENDPOINTS, **_NETWORK_OPTIONS))
    app.registry.register(PrivateDnsZoneGroup(PRIVATE_DNS_ZONE_GROUPS, **_NETWORK_OPTIONS))
