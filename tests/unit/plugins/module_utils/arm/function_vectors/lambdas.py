"""template-functions-lambda (ms.date 01/25/2024); groupBy and mapValues from bicep-functions-lambda."""

from .vector_records import vectors_for

case = vectors_for("lambda")

DOGS = {
    "dogs": [
        {"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]},
        {"name": "Casper", "age": 3, "interests": ["Other dogs"]},
        {"name": "Indy", "age": 2, "interests": ["Butter"]},
        {"name": "Kira", "age": 8, "interests": ["Rubs"]},
    ]
}
EVIE, CASPER, INDY, KIRA = DOGS["dogs"]
DOGS_WITH_AGES = {**DOGS, "ages": "[map(variables('dogs'), lambda('dog', lambdaVariables('dog').age))]"}
DOGS_WITH_PROPERTIES = {
    "dogs": [
        {"name": dog["name"], "properties": {"age": dog["age"], "interests": dog["interests"]}} for dog in DOGS["dogs"]
    ]
}
LOOP = {
    "copy": [
        {"name": "itemForLoop", "count": "[length(range(0, 10))]", "input": "[range(0, 10)[copyIndex('itemForLoop')]]"}
    ]
}

OLD_DOGS = "filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))"
DOG_NAMES = "map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))"
SAY_HI = "map(variables('dogs'), lambda('dog', format('Hello {0}!', lambdaVariables('dog').name)))"
TOTAL_AGE = "reduce(variables('ages'), 0, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))"
DOGS_BY_AGE = "sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age)))"
DOGS_OBJECT = {dog["name"]: dog for dog in DOGS["dogs"]}

VECTORS = [
    case("filter", OLD_DOGS, [EVIE, KIRA], example="oldDogs", variables=DOGS),
    case(
        "filter",
        "filter(variables('itemForLoop'), lambda('i', greater(lambdaVariables('i'), 5)))",
        [6, 7, 8, 9],
        example="filteredLoop",
        variables=LOOP,
    ),
    case(
        "filter",
        "filter(range(0, 10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))",
        [0, 2, 4, 6, 8],
        example="isEven",
    ),
    case("map", DOG_NAMES, ["Evie", "Casper", "Indy", "Kira"], example="dogNames", variables=DOGS),
    case(
        "map", SAY_HI, ["Hello Evie!", "Hello Casper!", "Hello Indy!", "Hello Kira!"], example="sayHi", variables=DOGS
    ),
    case(
        "map",
        "map(range(0, length(variables('dogs'))), lambda('i', createObject('i', lambdaVariables('i'), 'dog', "
        "variables('dogs')[lambdaVariables('i')].name, 'greeting', format('Ahoy, {0}!', "
        "variables('dogs')[lambdaVariables('i')].name))))",
        [
            {"i": 0, "dog": "Evie", "greeting": "Ahoy, Evie!"},
            {"i": 1, "dog": "Casper", "greeting": "Ahoy, Casper!"},
            {"i": 2, "dog": "Indy", "greeting": "Ahoy, Indy!"},
            {"i": 3, "dog": "Kira", "greeting": "Ahoy, Kira!"},
        ],
        example="mapObject",
        variables=DOGS,
    ),
    case(
        "map",
        "map(variables('dogs'), lambda('x', 'i', createObject('index', lambdaVariables('i'), 'val', "
        "lambdaVariables('x').name)))",
        [
            {"index": 0, "val": "Evie"},
            {"index": 1, "val": "Casper"},
            {"index": 2, "val": "Indy"},
            {"index": 3, "val": "Kira"},
        ],
        example="mapArrayIndex",
        bicep=True,
        variables=DOGS,
    ),
    case("reduce", TOTAL_AGE, 18, example="totalAge", variables=DOGS_WITH_AGES),
    case(
        "reduce",
        "reduce(variables('ages'), 1, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))",
        19,
        example="totalAgeAdd1",
        variables=DOGS_WITH_AGES,
    ),
    case(
        "reduce",
        "reduce(createArray(createObject('foo', 123), createObject('bar', 456), createObject('baz', 789)), "
        "createObject(), lambda('cur', 'next', union(lambdaVariables('cur'), lambdaVariables('next'))))",
        {"foo": 123, "bar": 456, "baz": 789},
        example="reduceObjectUnion",
    ),
    case(
        "reduce",
        "reduce(variables('ages'), 0, lambda('cur', 'next', 'i', if(equals(mod(lambdaVariables('i'), 2), 0), "
        "add(lambdaVariables('cur'), lambdaVariables('next')), lambdaVariables('cur'))))",
        7,
        example="oddAge",
        bicep=True,
        variables=DOGS_WITH_AGES,
    ),
    case("sort", DOGS_BY_AGE, [INDY, CASPER, EVIE, KIRA], example="dogsByAge", variables=DOGS),
    case(
        "sort",
        "sort(variables('dogs'), lambda('a', 'b', greater(lambdaVariables('a').age, lambdaVariables('b').age)))",
        [KIRA, EVIE, CASPER, INDY],
        derived=True,
        variables=DOGS,
    ),
    case(
        "sort",
        "sort(createArray('c', 'a', 'b'), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
        ["a", "b", "c"],
        derived=True,
    ),
    case(
        "toObject",
        "toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name))",
        DOGS_OBJECT,
        example="dogsObject",
        variables=DOGS,
    ),
    case(
        "toObject",
        "toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), "
        "lambda('entry', lambdaVariables('entry')))",
        DOGS_OBJECT,
        example="dogsObject (value lambda)",
        variables=DOGS,
    ),
    case(
        "toObject",
        "toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), "
        "lambda('entry', lambdaVariables('entry').properties))",
        {dog["name"]: dog["properties"] for dog in DOGS_WITH_PROPERTIES["dogs"]},
        example="dogsObject (properties)",
        variables=DOGS_WITH_PROPERTIES,
    ),
    case(
        "groupBy",
        "groupBy(variables('inputArray'), lambda('x', substring(lambdaVariables('x'), 0, 1)))",
        {"f": ["foo"], "b": ["bar", "baz"]},
        example="outObject",
        bicep=True,
        variables={"inputArray": ["foo", "bar", "baz"]},
    ),
    case(
        "groupBy",
        "groupBy(variables('dogs'), lambda('dog', if(greaterOrEquals(lambdaVariables('dog').age, 5), 'old', 'young')))",
        {"old": [EVIE, KIRA], "young": [CASPER, INDY]},
        derived=True,
        variables=DOGS,
    ),
    case("groupBy", "groupBy(createArray(), lambda('x', lambdaVariables('x')))", {}, derived=True),
    case(
        "mapValues",
        "mapValues(variables('inputObject'), lambda('val', toUpper(lambdaVariables('val'))))",
        {"foo": "FOO", "bar": "BAR"},
        example="mapObject",
        bicep=True,
        variables={"inputObject": {"foo": "foo", "bar": "bar"}},
    ),
    case(
        "mapValues",
        "mapValues(toObject(variables('dogs'), lambda('d', lambdaVariables('d').name)), "
        "lambda('dog', lambdaVariables('dog').age))",
        {"Evie": 5, "Casper": 3, "Indy": 2, "Kira": 8},
        derived=True,
        variables=DOGS,
    ),
    case("mapValues", "mapValues(createObject(), lambda('v', lambdaVariables('v')))", {}, derived=True),
    # lambda() and lambdaVariables() only exist inside the examples above; the same documented outputs.
    case("lambda", OLD_DOGS, [EVIE, KIRA], anchor="filter", example="oldDogs", variables=DOGS),
    case("lambda", DOG_NAMES, ["Evie", "Casper", "Indy", "Kira"], anchor="map", example="dogNames", variables=DOGS),
    case("lambda", TOTAL_AGE, 18, anchor="reduce", example="totalAge", variables=DOGS_WITH_AGES),
    case(
        "lambdaVariables",
        SAY_HI,
        ["Hello Evie!", "Hello Casper!", "Hello Indy!", "Hello Kira!"],
        anchor="map",
        example="sayHi",
        variables=DOGS,
    ),
    case(
        "lambdaVariables", DOGS_BY_AGE, [INDY, CASPER, EVIE, KIRA], anchor="sort", example="dogsByAge", variables=DOGS
    ),
    case(
        "lambdaVariables",
        "filter(variables('itemForLoop'), lambda('i', greater(lambdaVariables('i'), 5)))",
        [6, 7, 8, 9],
        anchor="filter",
        example="filteredLoop",
        variables=LOOP,
    ),
    case(
        "copyIndex",
        "variables('itemForLoop')",
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        anchor="filter",
        example="itemForLoop (the filteredLoop example's variable loop)",
        variables=LOOP,
    ),
]
