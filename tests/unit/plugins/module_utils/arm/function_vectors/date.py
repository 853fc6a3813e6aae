"""template-functions-date."""

from .vector_records import vectors_for

case = vectors_for("date")

BASE_TIME = "2020-04-07 14:53:14Z"  # the base time the dateTimeAdd example was deployed with
DATE_ADD = {"baseTime": BASE_TIME}

VECTORS = [
    # The page prints these instants as '4/7/2023 2:53:14 PM' etc.; compare the instants.
    case(
        "dateTimeAdd",
        "dateTimeToEpoch(dateTimeAdd(parameters('baseTime'), 'P3Y'))",
        1680879194,
        example="add3Years (4/7/2023 2:53:14 PM)",
        parameters=DATE_ADD,
    ),
    case(
        "dateTimeAdd",
        "dateTimeToEpoch(dateTimeAdd(parameters('baseTime'), '-P9D'))",
        1585493594,
        example="subtract9Days (3/29/2020 2:53:14 PM)",
        parameters=DATE_ADD,
    ),
    case(
        "dateTimeAdd",
        "dateTimeToEpoch(dateTimeAdd(parameters('baseTime'), 'PT1H'))",
        1586274794,
        example="add1Hour (4/7/2020 3:53:14 PM)",
        parameters=DATE_ADD,
    ),
    case(
        "dateTimeAdd",
        "dateTimeAdd(parameters('baseTime'), 'PT1H', 'yyyy-MM-dd HH:mm')",
        "2020-04-07 15:53",
        derived=True,
        parameters=DATE_ADD,
        note="the optional format is a .NET custom format string",
    ),
    case("dateTimeFromEpoch", "dateTimeFromEpoch(1683040573)", "2023-05-02T15:16:13Z", example="datetimeValue"),
    case("dateTimeFromEpoch", "dateTimeFromEpoch(0)", "1970-01-01T00:00:00Z", derived=True),
    case(
        "dateTimeFromEpoch",
        "dateTimeFromEpoch(dateTimeToEpoch('2020-04-07T14:53:14Z'))",
        "2020-04-07T14:53:14Z",
        derived=True,
    ),
    case("dateTimeToEpoch", "dateTimeToEpoch('2023-05-02T15:16:13Z')", 1683040573, example="epochValue"),
    case("dateTimeToEpoch", "dateTimeToEpoch('1970-01-01T00:00:00Z')", 0, derived=True),
    case("dateTimeToEpoch", "dateTimeToEpoch(dateTimeFromEpoch(1234567))", 1234567, derived=True),
    # The clock is fixed at the moment the page's example ran (20190305T175318Z).
    case("utcNow", "utcNow()", "20190305T175318Z", example="utcOutput"),
    case("utcNow", "utcNow('d')", "03/05/2019", example="utcShortOutput"),
    case("utcNow", "utcNow('M d')", "3 5", example="utcCustomOutput"),
    case("utcNow", "utcNow('u')", "2019-03-05 17:53:18Z", derived=True, note=".NET standard format 'u'"),
]
