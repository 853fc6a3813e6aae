"""template-functions-object (stored text ms.date 01/11/2024; objectKeys and shallowMerge from the
08/01/2025 text). contains, empty, intersection, length and union share the array page's examples."""

from .vector_records import STORED_TEXTS, vectors_for

case = vectors_for("object")

ENTITIES = {
    "item002": {"enabled": False, "displayName": "Example item 2", "number": 200},
    "item001": {"enabled": True, "displayName": "Example item 1", "number": 300},
}
ITEMS_EXAMPLE = {"entities": ENTITIES, "entitiesArray": "[items(variables('entities'))]"}
MODIFIED_LIST_EXAMPLE = {
    "entities": ENTITIES,
    "copy": [
        {
            "name": "modifiedListOfEntities",
            "count": "[length(items(variables('entities')))]",
            "input": {
                "key": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].key]",
                "fullName": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.displayName]",
                "itemEnabled": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.enabled]",
            },
        }
    ],
}
# The template's jsonArray default is "[[1,2,3 ]"; a leading "[[" escapes to a literal "[".
JSON_EXAMPLE = {
    "jsonEmptyObject": "null",
    "jsonObject": '{"a": "b"}',
    "jsonString": '"test"',
    "jsonBoolean": "true",
    "jsonInt": "3",
    "jsonArray": "[1,2,3 ]",
    "concatValue": "demo value",
}
SHALLOW_MERGE_EXAMPLE = {
    "firstArray": [{"one": "a"}, {"two": "b"}, {"two": "c"}],
    "secondArray": [{"one": "a", "nested": {"a": 1, "nested": {"c": 3}}}, {"two": "b", "nested": {"b": 2}}],
}
OBJECT_2025 = STORED_TEXTS["object-2025"]

VECTORS = [
    case(
        "createObject",
        "createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), 'arrayProp', "
        "createArray('a', 'b', 'c'), 'objectProp', createObject('key1', 'value1'))",
        {
            "intProp": 1,
            "stringProp": "abc",
            "boolProp": True,
            "arrayProp": ["a", "b", "c"],
            "objectProp": {"key1": "value1"},
        },
        example="newObject",
    ),
    case("createObject", "createObject()", {}, derived=True, note="no arguments give an empty object"),
    case("createObject", "length(createObject('a', 1, 'b', 2))", 2, derived=True),
    case(
        "items",
        "variables('entitiesArray')",
        [
            {"key": "item001", "value": {"displayName": "Example item 1", "enabled": True, "number": 300}},
            {"key": "item002", "value": {"displayName": "Example item 2", "enabled": False, "number": 200}},
        ],
        example="itemsResult",
        variables=ITEMS_EXAMPLE,
    ),
    case(
        "items",
        "variables('entitiesArray')[0].key",
        "item001",
        example="itemsResult[0].key (sorted by key)",
        variables=ITEMS_EXAMPLE,
    ),
    case(
        "items",
        "variables('modifiedListOfEntities')",
        [
            {"fullName": "Example item 1", "itemEnabled": True, "key": "item001"},
            {"fullName": "Example item 2", "itemEnabled": False, "key": "item002"},
        ],
        example="modifiedResult",
        variables=MODIFIED_LIST_EXAMPLE,
    ),
    case("items", "items(createObject())", [], derived=True),
    case(
        "json", "empty(json(parameters('jsonEmptyObject')))", True, example="emptyObjectOutput", parameters=JSON_EXAMPLE
    ),
    case("json", "json(parameters('jsonObject'))", {"a": "b"}, example="objectOutput", parameters=JSON_EXAMPLE),
    case("json", "json(parameters('jsonString'))", "test", example="stringOutput", parameters=JSON_EXAMPLE),
    case("json", "json(parameters('jsonBoolean'))", True, example="booleanOutput", parameters=JSON_EXAMPLE),
    case("json", "json(parameters('jsonInt'))", 3, example="intOutput", parameters=JSON_EXAMPLE),
    case("json", "json(parameters('jsonArray'))", [1, 2, 3], example="arrayOutput", parameters=JSON_EXAMPLE),
    case(
        "json",
        "json(concat('{\"a\": \"', parameters('concatValue'), '\"}'))",
        {"a": "demo value"},
        example="concatObjectOutput",
        parameters=JSON_EXAMPLE,
    ),
    case("null", "empty(null())", True, example="emptyOutput"),
    case("null", "null()", None, derived=True),
    case("null", "coalesce(null(), 'x')", "x", derived=True),
    case(
        "objectKeys",
        "objectKeys(variables('obj'))",
        ["a", "b"],
        example="keyArray",
        variables={"obj": {"a": 1, "b": 2}},
        verified=OBJECT_2025,
    ),
    case("objectKeys", "objectKeys(createObject())", [], derived=True),
    case(
        "objectKeys",
        "length(objectKeys(variables('entities')))",
        2,
        derived=True,
        variables=ITEMS_EXAMPLE,
        note="the key order is not specified (the page's JSON object ordering note), so only the count",
    ),
    case(
        "shallowMerge",
        "shallowMerge(variables('firstArray'))",
        {"one": "a", "two": "c"},
        example="firstOutput",
        variables=SHALLOW_MERGE_EXAMPLE,
        verified=OBJECT_2025,
    ),
    case(
        "shallowMerge",
        "shallowMerge(variables('secondArray'))",
        {"one": "a", "nested": {"b": 2}, "two": "b"},
        example="secondOutput",
        variables=SHALLOW_MERGE_EXAMPLE,
        verified=OBJECT_2025,
    ),
    case("shallowMerge", "shallowMerge(createArray())", {}, derived=True),
    case(
        "contains",
        "contains(createObject('one', 'a', 'two', 'b'), 'ONE')",
        True,
        derived=True,
        note="'when testing if an object contains a key, the comparison is case-insensitive'",
    ),
    case(
        "intersection",
        "intersection(createArray(1, 2, 3), createArray(2, 3, 4), createArray(3, 4, 5))",
        [3],
        derived=True,
        note="more arguments are allowed",
    ),
    case(
        "union",
        "union(createObject('a', createObject('x', 1)), createObject('a', createObject('y', 2)))",
        {"a": {"x": 1, "y": 2}},
        derived=True,
        note="nested objects are merged recursively",
    ),
    case("empty", "empty('a')", False, derived=True),
]
