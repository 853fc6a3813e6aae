"""template-functions-logical."""

from .vector_records import vectors_for

case = vectors_for("logical")

VECTORS = [
    case("and", "and(bool('true'), bool('false'))", False, example="andExampleOutput"),
    case("and", "and(true(), true())", True, derived=True),
    case("and", "and(true(), true(), false())", False, derived=True, note="more arguments are allowed"),
    case("or", "or(bool('true'), bool('false'))", True, example="orExampleOutput"),
    case("or", "or(false(), false())", False, derived=True),
    case("or", "or(false(), false(), true())", True, derived=True),
    case("not", "not(bool('true'))", False, example="notExampleOutput"),
    case("not", "not(equals(1, 2))", True, anchor="not", example="checkNotEquals"),
    case("not", "not(false())", True, derived=True),
    case("bool", "bool('true')", True, example="trueString"),
    case("bool", "bool('false')", False, example="falseString"),
    case("bool", "bool(1)", True, example="trueInt"),
    case("bool", "bool(0)", False, example="falseInt"),
    case("false", "false()", False, example="falseOutput"),
    case("false", "equals(false(), bool('false'))", True, derived=True),
    case("false", "not(false())", True, derived=True),
    case("true", "true()", True, example="trueOutput"),
    case("true", "equals(true(), bool('true'))", True, derived=True),
    case("true", "not(true())", False, derived=True),
    case("if", "if(equals('a', 'a'), 'yes', 'no')", "yes", example="yesOutput"),
    case("if", "if(equals('a', 'b'), 'yes', 'no')", "no", example="noOutput"),
    case(
        "if",
        "if(equals('a', 'a'), json('{\"test\": \"value1\"}'), json('null'))",
        {"test": "value1"},
        example="objectOutput",
    ),
]
