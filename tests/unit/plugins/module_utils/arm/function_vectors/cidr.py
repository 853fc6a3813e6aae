"""template-functions-cidr (ms.date 07/14/2023)."""

from .vector_records import vectors_for

case = vectors_for("cidr")

VECTORS = [
    case(
        "parseCidr",
        "parseCidr('10.144.0.0/20')",
        {
            "network": "10.144.0.0",
            "netmask": "255.255.240.0",
            "broadcast": "10.144.15.255",
            "firstUsable": "10.144.0.1",
            "lastUsable": "10.144.15.254",
            "cidr": 20,
        },
        example="v4info",
    ),
    case(
        "parseCidr",
        "parseCidr('fdad:3236:5555::/48')",
        {
            "network": "fdad:3236:5555::",
            "netmask": "ffff:ffff:ffff::",
            "firstUsable": "fdad:3236:5555::",
            "lastUsable": "fdad:3236:5555:ffff:ffff:ffff:ffff:ffff",
            "cidr": 48,
        },
        example="v6info",
    ),
    case("parseCidr", "parseCidr('10.144.0.0/20').broadcast", "10.144.15.255", example="v4info.broadcast"),
    case("cidrSubnet", "cidrSubnet('10.144.0.0/20', 24, range(0, 5)[0])", "10.144.0.0/24", example="v4subnets[0]"),
    case("cidrSubnet", "cidrSubnet('10.144.0.0/20', 24, range(0, 5)[4])", "10.144.4.0/24", example="v4subnets[4]"),
    case(
        "cidrSubnet",
        "cidrSubnet('fdad:3236:5555::/48', 52, range(0, 5)[0])",
        "fdad:3236:5555::/52",
        example="v6subnets[0]",
    ),
    case(
        "cidrSubnet",
        "cidrSubnet('fdad:3236:5555::/48', 52, range(0, 5)[3])",
        "fdad:3236:5555:3000::/52",
        example="v6subnets[3]",
    ),
    case("cidrHost", "cidrHost('10.144.3.0/24', range(0, 5)[0])", "10.144.3.1", example="v4hosts[0]"),
    case("cidrHost", "cidrHost('10.144.3.0/24', range(0, 5)[4])", "10.144.3.5", example="v4hosts[4]"),
    case(
        "cidrHost",
        "cidrHost('fdad:3236:5555:3000::/52', range(0, 5)[0])",
        "fdad:3236:5555:3000::1",
        example="v6hosts[0]",
    ),
    case(
        "cidrHost",
        "cidrHost('fdad:3236:5555:3000::/52', range(0, 5)[4])",
        "fdad:3236:5555:3000::5",
        example="v6hosts[4]",
    ),
    case(
        "cidrHost", "cidrHost('192.168.1.0/24', 0)", "192.168.1.1", example="description: hostIndex 0 of 192.168.1.0/24"
    ),
]
