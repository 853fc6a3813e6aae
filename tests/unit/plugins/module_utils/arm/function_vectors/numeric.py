"""template-functions-numeric (stored text ms.date 11/08/2017; example templates from
Azure/azure-docs-json-samples functions/numeric). copyIndex outputs come from copy-variables."""

from .vector_records import DOCS, STORED_TEXTS, Vector, vectors_for

case = vectors_for("numeric")

MAX_MIN_EXAMPLE = {"arrayToTest": [0, 3, 2, 5, 4]}
ITEM_COUNT = {"itemCount": 5}
STRING_LOOP = {
    "copy": [
        {
            "name": "stringArray",
            "count": "[parameters('itemCount')]",
            "input": "[concat('item', copyIndex('stringArray', 1))]",
        }
    ]
}
OBJECT_LOOP = {
    "copy": [
        {
            "name": "objectArray",
            "count": "[parameters('itemCount')]",
            "input": {
                "name": "[concat('myDataDisk', copyIndex('objectArray', 1))]",
                "diskSizeGB": "1",
                "diskIndex": "[copyIndex('objectArray')]",
            },
        }
    ]
}
NESTED_LOOP = {
    "topLevelObject": {
        "sampleProperty": "sampleValue",
        "copy": [
            {
                "name": "disks",
                "count": "[parameters('itemCount')]",
                "input": {
                    "name": "[concat('myDataDisk', copyIndex('disks', 1))]",
                    "diskSizeGB": "1",
                    "diskIndex": "[copyIndex('disks')]",
                },
            }
        ],
    }
}
DISKS = [{"name": f"myDataDisk{index + 1}", "diskSizeGB": "1", "diskIndex": index} for index in range(5)]
COPY_VARIABLES = DOCS + "copy-variables#variable-iteration"
COPY_VARIABLES_TEXT = STORED_TEXTS["copy-variables"]

VECTORS = [
    case(
        "add",
        "add(parameters('first'), parameters('second'))",
        8,
        example="addResult",
        parameters={"first": 5, "second": 3},
    ),
    case("add", "add(-1, 1)", 0, derived=True),
    case("add", "add(0, 0)", 0, derived=True),
    case(
        "sub",
        "sub(parameters('first'), parameters('second'))",
        4,
        example="subResult",
        parameters={"first": 7, "second": 3},
    ),
    case("sub", "sub(3, 7)", -4, derived=True),
    case("sub", "sub(0, 0)", 0, derived=True),
    case(
        "mul",
        "mul(parameters('first'), parameters('second'))",
        15,
        example="mulResult",
        parameters={"first": 5, "second": 3},
    ),
    case("mul", "mul(-2, 3)", -6, derived=True),
    case("mul", "mul(0, 3)", 0, derived=True),
    case(
        "div",
        "div(parameters('first'), parameters('second'))",
        2,
        example="divResult",
        parameters={"first": 8, "second": 3},
    ),
    case("div", "div(-7, 2)", -3, derived=True, note="integer division truncates toward zero"),
    case("div", "div(9, 3)", 3, derived=True),
    case(
        "mod",
        "mod(parameters('first'), parameters('second'))",
        1,
        example="modResult",
        parameters={"first": 7, "second": 3},
    ),
    case("mod", "mod(-7, 3)", -1, derived=True, note="the remainder takes the dividend's sign"),
    case("mod", "mod(6, 3)", 0, derived=True),
    case("int", "int(parameters('stringToConvert'))", 4, example="intResult", parameters={"stringToConvert": "4"}),
    case("int", "int('-12')", -12, derived=True),
    case("int", "int(4)", 4, derived=True),
    case(
        "float",
        "float('3.0')",
        3.0,
        derived=True,
        note="the page's Logic App example passes float('3.0') (custom1) but prints no output",
    ),
    case("float", "float(3)", 3.0, derived=True, note="the same example's custom2"),
    case("float", "float('0.5')", 0.5, derived=True),
    case("max", "max(parameters('arrayToTest'))", 5, example="arrayOutput", parameters=MAX_MIN_EXAMPLE),
    case("max", "max(0,3,2,5,4)", 5, example="intOutput"),
    case("min", "min(parameters('arrayToTest'))", 0, example="arrayOutput", parameters=MAX_MIN_EXAMPLE),
    case("min", "min(0,3,2,5,4)", 0, example="intOutput"),
    case("min", "min(-1, -5)", -5, derived=True),
    case("max", "max(-1, -5)", -1, derived=True),
    Vector(
        "copyIndex",
        "variables('stringArray')",
        [f"item{index}" for index in range(1, 6)],
        COPY_VARIABLES,
        example="arrayResult (array of strings)",
        parameters=ITEM_COUNT,
        variables=STRING_LOOP,
        verified=COPY_VARIABLES_TEXT,
    ),
    Vector(
        "copyIndex",
        "variables('objectArray')",
        DISKS,
        COPY_VARIABLES,
        example="arrayResult (array of objects)",
        parameters=ITEM_COUNT,
        variables=OBJECT_LOOP,
        verified=COPY_VARIABLES_TEXT,
    ),
    Vector(
        "copyIndex",
        "variables('topLevelObject')",
        {"sampleProperty": "sampleValue", "disks": DISKS},
        COPY_VARIABLES,
        example="objectResult",
        parameters=ITEM_COUNT,
        variables=NESTED_LOOP,
        verified=COPY_VARIABLES_TEXT,
    ),
]
