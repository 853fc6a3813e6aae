"""template-functions-numeric."""
from . import DOCS, Vector, vectors_for

case = vectors_for("numeric")

DISK_LOOP = {"copy": [{"name": "disk-array-on-the-fly", "count": 5,
                       "input": {"name": "[format('myDataDisk{0}', copyIndex('disk-array-on-the-fly', 1))]",
                                 "diskSizeGB": "1", "diskIndex": "[copyIndex('disk-array-on-the-fly')]"}}]}
COPY_VARIABLES = DOCS + "copy-variables#variable-iteration"

VECTORS = [
    case("add", "add(parameters('first'), parameters('second'))", 8, example="addResult",
         parameters={"first": 5, "second": 3}),
    case("add", "add(-1, 1)", 0, derived=True),
    case("add", "add(0, 0)", 0, derived=True),
    case("sub", "sub(parameters('firstInteger'), parameters('secondInteger'))", 4, example="subResult",
         parameters={"firstInteger": 7, "secondInteger": 3}),
    case("sub", "sub(3, 7)", -4, derived=True),
    case("sub", "sub(0, 0)", 0, derived=True),
    case("mul", "mul(parameters('first'), parameters('second'))", 15, example="mulResult",
         parameters={"first": 5, "second": 3}),
    case("mul", "mul(-2, 3)", -6, derived=True),
    case("mul", "mul(0, 3)", 0, derived=True),
    case("div", "div(parameters('first'), parameters('second'))", 2, example="divResult",
         parameters={"first": 8, "second": 3}),
    case("div", "div(-7, 2)", -3, derived=True, note="integer division truncates toward zero"),
    case("div", "div(9, 3)", 3, derived=True),
    case("mod", "mod(parameters('first'), parameters('second'))", 1, example="modResult",
         parameters={"first": 7, "second": 3}),
    case("mod", "mod(-7, 3)", -1, derived=True, note="the remainder takes the dividend's sign"),
    case("mod", "mod(6, 3)", 0, derived=True),
    case("int", "int(parameters('stringToConvert'))", 4, example="intResult", parameters={"stringToConvert": "4"}),
    case("int", "int('-12')", -12, derived=True),
    case("int", "int(4)", 4, derived=True),
    case("float", "float('3.0')", 3.0, example="the page's float('3.0') example argument", derived=True),
    case("float", "float(2)", 2.0, derived=True),
    case("float", "float('0.5')", 0.5, derived=True),
    case("max", "max(createArray(0, 3, 2, 5, 4))", 5, example="arrayOutput"),
    case("min", "min(createArray(0, 3, 2, 5, 4))", 0, example="arrayOutput"),
    case("min", "min(-1, -5)", -5, derived=True),
    case("max", "max(-1, -5)", -1, derived=True),
    Vector("copyIndex", "variables('disk-array-on-the-fly')",
           [{"name": f"myDataDisk{index + 1}", "diskSizeGB": "1", "diskIndex": index} for index in range(5)],
           COPY_VARIABLES, example="result", variables=DISK_LOOP),
    Vector("copyIndex", "variables('disk-array-on-the-fly')[4].name", "myDataDisk5", COPY_VARIABLES,
           example="result[4].name (offset 1)", variables=DISK_LOOP),
]
