"""Python annotations and msrest type names that map to JSON scalars."""

import datetime
import decimal
import typing

from .shapes import ScalarShape

_SCALAR_ANNOTATIONS = {
    str: ScalarShape("string", "String"),
    int: ScalarShape("integer", "Int32"),
    float: ScalarShape("number", "Double"),
    decimal.Decimal: ScalarShape("number", "Decimal"),
    bool: ScalarShape("boolean", "Boolean"),
    bytes: ScalarShape("bytes", "Byte[]"),
    bytearray: ScalarShape("bytes", "Byte[]"),
    datetime.datetime: ScalarShape("datetime", "DateTime"),
    datetime.date: ScalarShape("date", "DateTime"),
    datetime.time: ScalarShape("time", "TimeSpan"),
    datetime.timedelta: ScalarShape("duration", "TimeSpan"),
    object: ScalarShape("any", "Object"),
}
_ANY = ScalarShape("any", "Object")

MSREST_SCALARS = {
    "str": ScalarShape("string", "String"),
    "int": ScalarShape("integer", "Int32"),
    "long": ScalarShape("integer", "Int64"),
    "float": ScalarShape("number", "Double"),
    "decimal": ScalarShape("number", "Decimal"),
    "bool": ScalarShape("boolean", "Boolean"),
    "iso-8601": ScalarShape("datetime", "DateTime"),
    "rfc-1123": ScalarShape("datetime", "DateTime"),
    "unix-time": ScalarShape("integer", "Int64"),
    "date": ScalarShape("date", "DateTime"),
    "time": ScalarShape("time", "TimeSpan"),
    "duration": ScalarShape("duration", "TimeSpan"),
    "bytearray": ScalarShape("bytes", "Byte[]"),
    "base64": ScalarShape("bytes", "Byte[]"),
    "object": _ANY,
}


def scalar_or_none(annotation):
    if annotation is typing.Any:
        return _ANY
    try:
        return _SCALAR_ANNOTATIONS.get(annotation)
    except TypeError:  # unhashable annotation objects
        return None
