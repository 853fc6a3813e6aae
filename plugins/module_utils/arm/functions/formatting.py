""".NET composite formatting (``format()``) and date/time format strings (``utcNow``, ``dateTimeAdd``)."""

from __future__ import annotations

import re
from datetime import datetime

from ..errors import ArmTemplateError
from ..limits import check_length
from .conversions import to_string

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}")


def dotnet_format(template: str, args: list) -> str:
    """``String.Format``: ``{index[,alignment][:format]}``, with ``{{`` and ``}}`` escapes."""
    produced = [len(template)]

    def replace(match: re.Match) -> str:
        text = _placeholder(match, args)
        produced[0] += len(text)
        check_length("format", produced[0])
        return text

    return _PLACEHOLDER.sub(replace, template)


def _placeholder(match: re.Match, args: list) -> str:
    token = match.group()
    if token == "{{":
        return "{"
    if token == "}}":
        return "}"
    index = int(match.group(1))
    if index >= len(args):
        raise ArmTemplateError(
            "Unable to evaluate template language function 'format': Index (zero based) must be greater than "
            "or equal to zero and less than the size of the argument list."
        )
    alignment = int(match.group(2) or 0)
    check_length("format", abs(alignment))
    text = format_value(args[index], match.group(3))
    return text.rjust(alignment) if alignment > 0 else text.ljust(-alignment)


def format_value(value, spec: str | None) -> str:
    if not spec or isinstance(value, bool) or not isinstance(value, (int, float)):
        return to_string(value)
    kind, digits = spec[0], spec[1:]
    if digits.isdigit():
        check_length("format", int(digits))
    if kind in "Dd" and (digits == "" or digits.isdigit()) and isinstance(value, int):
        sign = "-" if value < 0 else ""
        return sign + str(abs(value)).zfill(int(digits or 0))
    if kind in "Nn" and (digits == "" or digits.isdigit()):
        return f"{value:,.{int(digits) if digits else 2}f}"
    if kind in "Ff" and (digits == "" or digits.isdigit()):
        return f"{value:.{int(digits) if digits else 2}f}"
    if kind in "Xx" and (digits == "" or digits.isdigit()) and isinstance(value, int):
        text = format(value & 0xFFFFFFFFFFFFFFFF if value < 0 else value, "x" if kind == "x" else "X")
        return text.zfill(int(digits or 0))
    if kind in "Pp" and (digits == "" or digits.isdigit()):
        return f"{value * 100:,.{int(digits) if digits else 2}f} %"
    if kind in "Cc" and (digits == "" or digits.isdigit()):
        return f"¤{value:,.{int(digits) if digits else 2}f}"
    if set(spec) <= set("0#,."):
        return _custom_number(value, spec)
    return to_string(value)


def _custom_number(value, spec: str) -> str:
    integer_part, dummy_separator, fraction_part = spec.partition(".")
    min_integer = integer_part.count("0")
    decimals = len(fraction_part)
    grouped = "," in integer_part
    text = f"{abs(value):{',' if grouped else ''}.{decimals}f}"
    whole, dummy_separator, fraction = text.partition(".")
    if whole.replace(",", "").lstrip("0") == "" and min_integer == 0:
        whole = ""
    whole = whole.zfill(min_integer) if not grouped else whole
    sign = "-" if value < 0 else ""
    return sign + whole + ("." + fraction if fraction else "")


# --- .NET date/time format strings -------------------------------------------------------------
_STANDARD_DATE_FORMATS = {
    "d": "MM/dd/yyyy",
    "D": "dddd, dd MMMM yyyy",
    "f": "dddd, dd MMMM yyyy HH:mm",
    "F": "dddd, dd MMMM yyyy HH:mm:ss",
    "g": "MM/dd/yyyy HH:mm",
    "G": "MM/dd/yyyy HH:mm:ss",
    "M": "MMMM dd",
    "m": "MMMM dd",
    "o": "yyyy-MM-ddTHH:mm:ss.fffffffZ",
    "O": "yyyy-MM-ddTHH:mm:ss.fffffffZ",
    "r": "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
    "R": "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
    "s": "yyyy-MM-ddTHH:mm:ss",
    "t": "HH:mm",
    "T": "HH:mm:ss",
    "u": "yyyy-MM-dd HH:mm:ss'Z'",
    "U": "dddd, dd MMMM yyyy HH:mm:ss",
    "Y": "yyyy MMMM",
    "y": "yyyy MMMM",
}
_DATE_TOKEN = re.compile(
    r"'[^']*'|\"[^\"]*\"|\\.|yyyy|yy|y|MMMM|MMM|MM|M|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|"
    r"f{1,7}|F{1,7}|tt|t|zzz|zz|z|K"
)


def format_datetime(moment: datetime, fmt: str) -> str:
    """Format like .NET ``DateTime.ToString(fmt)`` for the specifiers templates use."""
    fmt = _STANDARD_DATE_FORMATS.get(fmt, fmt) if len(fmt) == 1 else fmt

    def token(match: re.Match) -> str:
        part = match.group()
        if part[0] in "'\"":
            return part[1:-1]
        if part[0] == "\\":
            return part[1:]
        hour12 = moment.hour % 12 or 12
        simple = {
            "yyyy": f"{moment.year:04d}",
            "yy": f"{moment.year % 100:02d}",
            "y": str(moment.year % 100),
            "MMMM": moment.strftime("%B"),
            "MMM": moment.strftime("%b"),
            "MM": f"{moment.month:02d}",
            "M": str(moment.month),
            "dddd": moment.strftime("%A"),
            "ddd": moment.strftime("%a"),
            "dd": f"{moment.day:02d}",
            "d": str(moment.day),
            "HH": f"{moment.hour:02d}",
            "H": str(moment.hour),
            "hh": f"{hour12:02d}",
            "h": str(hour12),
            "mm": f"{moment.minute:02d}",
            "m": str(moment.minute),
            "ss": f"{moment.second:02d}",
            "s": str(moment.second),
            "tt": "AM" if moment.hour < 12 else "PM",
            "t": "A" if moment.hour < 12 else "P",
            "zzz": "+00:00",
            "zz": "+00",
            "z": "+0",
            "K": "Z",
        }
        if part in simple:
            return simple[part]
        fraction = f"{moment.microsecond:06d}0"[: len(part)]
        return fraction.rstrip("0") if part[0] == "F" else fraction

    return _DATE_TOKEN.sub(token, fmt)
