"""``uniqueString`` and ``guid``, bit-exact with Azure Resource Manager.

``uniqueString`` hashes the UTF-8 bytes of its arguments joined with ``-`` using Microsoft's 64-bit
MurmurHash variant (two interleaved 32-bit lanes), and writes the 64-bit result as 13 base32
characters (``a-z2-7``), most significant bits first. ``guid`` is a name-based UUID (version 5) in
a fixed namespace over the same joined string.
"""

from __future__ import annotations

import uuid

_MASK32 = 0xFFFFFFFF
_C1, _C2 = 0x239B961B, 0xAB0E9789
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
GUID_NAMESPACE = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK32


def _final_mix(value: int) -> int:
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & _MASK32
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & _MASK32
    return value ^ (value >> 16)


def _mix_lane1(k1: int) -> int:
    return (_rotl((k1 * _C1) & _MASK32, 15) * _C2) & _MASK32


def _mix_lane2(k2: int) -> int:
    return (_rotl((k2 * _C2) & _MASK32, 17) * _C1) & _MASK32


def murmur_hash64(data: bytes, seed: int = 0) -> int:
    """Microsoft's 64-bit MurmurHash over ``data`` (little-endian 8-byte blocks)."""
    h1 = h2 = seed & _MASK32
    length = len(data)
    full = length - length % 8
    for index in range(0, full, 8):
        h1 ^= _mix_lane1(int.from_bytes(data[index : index + 4], "little"))
        h1 = (_rotl(h1, 19) + h2) & _MASK32
        h1 = (h1 * 5 + 0x561CCD1B) & _MASK32
        h2 ^= _mix_lane2(int.from_bytes(data[index + 4 : index + 8], "little"))
        h2 = (_rotl(h2, 13) + h1) & _MASK32
        h2 = (h2 * 5 + 0x0BCAA747) & _MASK32
    tail = data[full:]
    if tail:
        h1 ^= _mix_lane1(int.from_bytes(tail[:4], "little"))
        if len(tail) > 4:
            h2 ^= _mix_lane2(int.from_bytes(tail[4:], "little"))
    h1 ^= length
    h2 ^= length
    h1 = (h1 + h2) & _MASK32
    h2 = (h2 + h1) & _MASK32
    h1 = _final_mix(h1)
    h2 = _final_mix(h2)
    h1 = (h1 + h2) & _MASK32
    h2 = (h2 + h1) & _MASK32
    return (h2 << 32) | h1


def unique_string(*parts: str) -> str:
    """ARM's ``uniqueString(...)``: 13 characters, deterministic for the same arguments."""
    digest = murmur_hash64("-".join(parts).encode("utf-8"))
    return "".join(
        _BASE32[(digest >> (59 - 5 * position)) & 0x1F] if position < 12 else _BASE32[(digest << 1) & 0x1F]
        for position in range(13)
    )


def deterministic_guid(*parts: str) -> str:
    """ARM's ``guid(...)``: a version 5 UUID over the arguments joined with ``-``."""
    return str(uuid.uuid5(GUID_NAMESPACE, "-".join(parts)))
