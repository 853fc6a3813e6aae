"""Date functions (template-functions-date)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .formatting import format_datetime
from .registry import expect, fail, function

_DURATION = re.compile(r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
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
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    days_in_month = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
                     31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))


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
    moment = _add_months(moment, sign * (years * 12 + months))
    moment += sign * timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    fmt = expect("dateTimeAdd", args[2], str) if len(args) > 2 else DEFAULT_DATETIME_FORMAT
    return format_datetime(moment, fmt)


@function("dateTimeFromEpoch", 1, 1)
def _date_time_from_epoch(ev, args):
    seconds = expect("dateTimeFromEpoch", args[0], int)
    return format_datetime(datetime.fromtimestamp(seconds, tz=timezone.utc), DEFAULT_DATETIME_FORMAT)


@function("dateTimeToEpoch", 1, 1)
def _date_time_to_epoch(ev, args):
    return int(parse_datetime("dateTimeToEpoch", expect("dateTimeToEpoch", args[0], str)).timestamp())


@function("utcNow", 0, 1)
def _utc_now(ev, args):
    fmt = expect("utcNow", args[0], str) if args else "yyyyMMddTHHmmssZ"
    now = getattr(ev, "now", None) or datetime.now(timezone.utc)
    return format_datetime(now, fmt)
