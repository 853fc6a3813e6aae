"""One source of truth for resource type names, resource envelope members and built-in role ids
(localazure/resource_types.py, rbac/builtin_roles.py): every table the endpoint keeps agrees with it."""

import pytest

from localazure import resource_types
from localazure.app import App
from localazure.rbac.builtin_roles import BUILT_IN_ROLES
from localazure.schema import catalog
from localazure.seed import BUILTIN_ROLE_IDS, DEFAULT_SEED
from localazure.settings import Settings
from localazure.types._base import ValidatedType

TYPES = {
    value
    for name, value in vars(resource_types).items()
    if name.isupper() and isinstance(value, str) and value.startswith("Microsoft.")
}


@pytest.fixture(scope="module")
def registered(tmp_path_factory):
    app = App(Settings(state_dir=tmp_path_factory.mktemp("state")), "https://127.0.0.1:1")
    try:
        yield [served for types in app.registry.namespaces().values() for served in types]
    finally:
        app.stop_background()


def test_every_registered_type_is_spelled_as_the_source_spells_it(registered):
    assert sorted({served.type for served in registered} - TYPES) == []


def test_every_validated_type_has_a_request_body_model_and_api_versions(registered):
    validated = {served.type for served in registered if isinstance(served, ValidatedType)}
    assert validated
    assert sorted(validated - set(catalog.MODELS)) == []
    assert sorted(validated - set(catalog.PUBLISHED)) == []


def test_the_schema_catalog_names_only_known_types():
    assert sorted(set(catalog.MODELS) - TYPES) == []
    assert sorted(set(catalog.PUBLISHED) - TYPES) == []
    assert sorted(set(catalog.MSREST_DEFAULTS) - set(catalog.MODELS)) == []


def test_the_seeds_roles_are_built_in_roles():
    assert set(BUILTIN_ROLE_IDS.values()) == set(BUILT_IN_ROLES)
    named = [role["role"] for principal in DEFAULT_SEED["principals"] for role in principal.get("roles", [])]
    assert named
    assert [role for role in named if BUILTIN_ROLE_IDS.get(role.lower()) not in BUILT_IN_ROLES] == []


def test_the_body_key_lists_are_parts_of_the_one_envelope():
    envelope = set(resource_types.ENVELOPE_MEMBERS)
    assert set(resource_types.TEMPLATE_BODY_KEYS) == envelope | {"properties"}
    assert set(resource_types.GENERIC_RESOURCE_KEYS) - {"id", "name", "type"} <= envelope
    assert resource_types.UNMODELLED_MEMBERS == {member.lower() for member in envelope | {"etag"}}
