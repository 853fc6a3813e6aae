"""Virtual networks and subnets: passthrough types (no body validation yet; phase B adds it) so that the
given private network can be seeded and read. Microsoft.Network PUT/DELETE are long-running in Azure."""
from __future__ import annotations

from localazure.registry import ResourceType

NETWORK_API_VERSIONS = ("2022-07-01", "2023-04-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01",
                        "2024-05-01", "2024-07-01", "2024-10-01")


class VirtualNetwork(ResourceType):
    def present(self, body, context):
        """Azure lists a virtual network's subnets inside it."""
        subnets = context.store.list_resources(context.resource_id, "Microsoft.Network/virtualNetworks/subnets")
        properties = body.get("properties")
        if isinstance(properties, dict):
            body = {**body, "properties": {**properties, "subnets": subnets}}
        return body


def register(registry) -> None:
    registry.register(VirtualNetwork("Microsoft.Network/virtualNetworks", NETWORK_API_VERSIONS, "2024-05-01",
                                     long_running_put=True, long_running_delete=True, etag=True,
                                     status_segment="operations", result_segment="operationResults"))
    registry.register(ResourceType("Microsoft.Network/virtualNetworks/subnets", NETWORK_API_VERSIONS, "2024-05-01",
                                   long_running_put=True, long_running_delete=True, etag=True,
                                   status_segment="operations", result_segment="operationResults"))
