"""An ``App`` in ``tmp_path`` with the default seed, without a socket, and its seeded principals."""

import pytest

from localazure.app import App
from localazure.http import Principal
from localazure.seed import apply_seed, load_seed_file
from localazure.settings import Settings


@pytest.fixture
def app(tmp_path):
    application = App(Settings(state_dir=tmp_path), "https://127.0.0.1:1")
    apply_seed(application, load_seed_file(None))
    yield application
    application.stop_background()


@pytest.fixture
def principal(app):
    """``principal(name)``: the seeded principal as a verified token would give it."""

    def named(name: str) -> Principal:
        found = next(item for item in app.store.principals() if item["name"] == name)
        return Principal(found["object_id"], found["tenant_id"], found["client_id"], name, {})

    return named
