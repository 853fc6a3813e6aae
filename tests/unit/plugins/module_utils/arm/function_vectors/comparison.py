"""template-functions-comparison."""

from .vector_records import vectors_for

case = vectors_for("comparison")

COALESCE_EXAMPLE = {
    "objectToTest": {
        "null1": None,
        "null2": None,
        "string": "default",
        "int": 1,
        "object": {"first": "default"},
        "array": [1],
    }
}
EQUALS_EXAMPLE = {
    "firstInt": 1,
    "secondInt": 1,
    "firstString": "a",
    "secondString": "a",
    "firstArray": ["a", "b"],
    "secondArray": ["a", "b"],
    "firstObject": {"a": "b"},
    "secondObject": {"a": "b"},
}
ORDER_EXAMPLE = {"firstInt": 1, "secondInt": 2, "firstString": "A", "secondString": "a"}


def _null_pair(last: str) -> str:
    return (
        "coalesce(parameters('objectToTest').null1, parameters('objectToTest').null2, "
        f"parameters('objectToTest').{last})"
    )


VECTORS = [
    case("coalesce", _null_pair("string"), "default", example="stringOutput", parameters=COALESCE_EXAMPLE),
    case("coalesce", _null_pair("int"), 1, example="intOutput", parameters=COALESCE_EXAMPLE),
    case("coalesce", _null_pair("object"), {"first": "default"}, example="objectOutput", parameters=COALESCE_EXAMPLE),
    case("coalesce", _null_pair("array"), [1], example="arrayOutput", parameters=COALESCE_EXAMPLE),
    case(
        "coalesce",
        "empty(coalesce(parameters('objectToTest').null1, parameters('objectToTest').null2))",
        True,
        example="emptyOutput",
        parameters=COALESCE_EXAMPLE,
    ),
    case(
        "equals",
        "equals(parameters('firstInt'), parameters('secondInt'))",
        True,
        example="checkInts",
        parameters=EQUALS_EXAMPLE,
    ),
    case(
        "equals",
        "equals(parameters('firstString'), parameters('secondString'))",
        True,
        example="checkStrings",
        parameters=EQUALS_EXAMPLE,
    ),
    case(
        "equals",
        "equals(parameters('firstArray'), parameters('secondArray'))",
        True,
        example="checkArrays",
        parameters=EQUALS_EXAMPLE,
    ),
    case(
        "equals",
        "equals(parameters('firstObject'), parameters('secondObject'))",
        True,
        example="checkObjects",
        parameters=EQUALS_EXAMPLE,
    ),
    case("equals", "not(equals(1, 2))", True, example="checkNotEquals"),
    case(
        "greater",
        "greater(parameters('firstInt'), parameters('secondInt'))",
        False,
        example="checkInts",
        parameters=ORDER_EXAMPLE,
    ),
    case(
        "greater",
        "greater(parameters('firstString'), parameters('secondString'))",
        True,
        example="checkStrings",
        parameters=ORDER_EXAMPLE,
    ),
    case("greater", "greater(10, 5)", True, derived=True),
    case(
        "greaterOrEquals",
        "greaterOrEquals(parameters('firstInt'), parameters('secondInt'))",
        False,
        example="checkInts",
        parameters=ORDER_EXAMPLE,
    ),
    case(
        "greaterOrEquals",
        "greaterOrEquals(parameters('firstString'), parameters('secondString'))",
        True,
        example="checkStrings",
        parameters=ORDER_EXAMPLE,
    ),
    case("greaterOrEquals", "greaterOrEquals(5, 5)", True, derived=True),
    case(
        "less",
        "less(parameters('firstInt'), parameters('secondInt'))",
        True,
        example="checkInts",
        parameters=ORDER_EXAMPLE,
    ),
    case(
        "less",
        "less(parameters('firstString'), parameters('secondString'))",
        False,
        example="checkStrings",
        parameters=ORDER_EXAMPLE,
    ),
    case("less", "less(5, 5)", False, derived=True),
    case(
        "lessOrEquals",
        "lessOrEquals(parameters('firstInt'), parameters('secondInt'))",
        True,
        example="checkInts",
        parameters=ORDER_EXAMPLE,
    ),
    case(
        "lessOrEquals",
        "lessOrEquals(parameters('firstString'), parameters('secondString'))",
        False,
        example="checkStrings",
        parameters=ORDER_EXAMPLE,
    ),
    case("lessOrEquals", "lessOrEquals(5, 5)", True, derived=True),
]
