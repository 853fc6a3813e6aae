"""CIDR functions (template-functions-cidr): parseCidr, cidrSubnet, cidrHost."""

from __future__ import annotations

import ipaddress

from .registry import expect, fail, function


def _network(function_name: str, text: str):
    try:
        return ipaddress.ip_network(expect(function_name, text, str), strict=False)
    except ValueError:
        raise fail(function_name, f"the value '{text}' is not a valid CIDR notation.") from None


@function("parseCidr", 1, 1)
def _parse_cidr(ev, args):
    network = _network("parseCidr", args[0])
    if network.version == 4:
        first, last = network.network_address, network.broadcast_address
        if network.prefixlen < 31:
            first, last = first + 1, last - 1
        return {
            "network": str(network.network_address),
            "netmask": str(network.netmask),
            "broadcast": str(network.broadcast_address),
            "firstUsable": str(first),
            "lastUsable": str(last),
            "cidr": network.prefixlen,
        }
    return {
        "network": str(network.network_address),
        "netmask": str(network.netmask),
        "firstUsable": str(network.network_address),
        "lastUsable": str(network.broadcast_address),
        "cidr": network.prefixlen,
    }


@function("cidrSubnet", 3, 3)
def _cidr_subnet(ev, args):
    network = _network("cidrSubnet", args[0])
    new_prefix = expect("cidrSubnet", args[1], int)
    index = expect("cidrSubnet", args[2], int)
    if not network.prefixlen <= new_prefix <= network.max_prefixlen:
        raise fail(
            "cidrSubnet",
            f"the new CIDR '{new_prefix}' must be between '{network.prefixlen}' and '{network.max_prefixlen}'.",
        )
    count = 2 ** (new_prefix - network.prefixlen)
    if not 0 <= index < count:
        raise fail("cidrSubnet", f"the subnet index '{index}' must be between '0' and '{count - 1}'.")
    size = 2 ** (network.max_prefixlen - new_prefix)
    start = network.network_address + index * size
    return f"{start}/{new_prefix}"


@function("cidrHost", 2, 2)
def _cidr_host(ev, args):
    network = _network("cidrHost", args[0])
    index = expect("cidrHost", args[1], int)
    # IPv4 reserves the network and broadcast addresses, IPv6 the subnet-router anycast address.
    if network.version == 4:
        offset = 1 if network.prefixlen < 31 else 0
        usable = network.num_addresses - 2 * offset
    else:
        offset = 1 if network.prefixlen < 128 else 0
        usable = network.num_addresses - offset
    if not 0 <= index < usable:
        raise fail("cidrHost", f"the host index '{index}' is out of range for the network '{args[0]}'.")
    return str(network.network_address + offset + index)
