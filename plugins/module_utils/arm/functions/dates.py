"""Date functions (template-functions-date)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .formatting import format_datetime
from .registry import expect, fail, function

_DURATION = re.compile(
    r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
DEFAULT_DATETIME_FORMAT = "yyyy-MM-ddTHH:mm:ssZ"


def parse_datetime(function_name: str, text: str) -> datetime:
    candidate = text.strip().replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} ", text.strip()) else text.strip()
    candidate = re.sub(r"Z$", "+00:00", candidate)
    candidate = re.sub(r"(\.\d{6})\d+", r"\1", candidate)
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise fail(function_name, f"the value '{text}' is not a valid date and time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# .NET's XmlConvert.ToTimeSpan, which ARM uses: a year is 365 days and a month 30, whatever the calendar
# (template-functions-date.md, dateTimeAdd remarks: "P1Y should be interpreted as P365D, while P1M should be
# interpreted as P30D").
_DAYS_PER_YEAR = 365
_DAYS_PER_MONTH = 30


@function("dateTimeAdd", 2, 3)
def _date_time_add(ev, args):
    moment = parse_datetime("dateTimeAdd", expect("dateTimeAdd", args[0], str))
    duration = expect("dateTimeAdd", args[1], str)
    match = _DURATION.match(duration)
    if not match or duration in ("P", "-P") or duration.endswith("T"):
        raise fail("dateTimeAdd", f"the duration '{duration}' is not a valid ISO 8601 duration.")
    sign = -1 if match.group(1) else 1
    years, months, weeks, days, hours, minutes = (int(group or 0) for group in match.groups()[1:7])
    seconds = float(match.group(8) or 0)
    days += years * _DAYS_PER_YEAR + months * _DAYS_PER_MONTH
    try:
        moment += sign * timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise fail("dateTimeAdd", f"the duration '{duration}' takes the date out of range.") from None
    fmt = expect("dateTimeAdd", args[2], str) if len(args) > 2 else DEFAULT_DATETIME_FORMAT
    return format_datetime(moment, fmt)


@function("dateTimeFromEpoch", 1, 1)
def _date_time_from_epoch(ev, args):
    seconds = expect("dateTimeFromEpoch", args[0], int)
    return format_datetime(datetime.fromtimestamp(seconds, tz=UTC), DEFAULT_DATETIME_FORMAT)


@function("dateTimeToEpoch", 1, 1)
def _date_time_to_epoch(ev, args):
    return int(parse_datetime("dateTimeToEpoch", expect("dateTimeToEpoch", args[0], str)).timestamp())


@function("utcNow", 0, 1)
def _utc_now(ev, args):
    fmt = expect("utcNow", args[0], str) if args else "yyyyMMddTHHmmssZ"
    now = ev.scope.now or datetime.now(UTC)
    return format_datetime(now, fmt)
