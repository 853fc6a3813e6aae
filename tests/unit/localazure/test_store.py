"""The state file: created readable by its owner only, with a schema version checked when it is opened."""

import re
import sqlite3
import stat
from pathlib import Path

import pytest

import localazure
from localazure.store import SCHEMA_VERSION, StateFileError, Store


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_empty_state_file_is_initialized_with_the_schema_version(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.touch()
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.subscriptions() == []


def test_a_state_file_and_its_wal_and_shm_files_are_its_owners_only(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = Store(path)
    store.set_provider_state("s", "Microsoft.Storage", "Registered")  # a write: SQLite makes -wal and -shm
    for name in ("state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"):
        assert _mode(tmp_path / name) == 0o600, name


def test_an_existing_world_readable_state_file_is_narrowed(tmp_path):
    path = tmp_path / "state.sqlite3"
    Store(path).set_provider_state("s", "Microsoft.Storage", "Registered")
    path.chmod(0o644)
    Store(path)
    assert _mode(path) == 0o600


def test_a_state_file_without_a_version_is_read_as_the_first_version(tmp_path):
    path = tmp_path / "state.sqlite3"
    Store(path).set_provider_state("s", "Microsoft.Storage", "Registered")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 0")
    assert Store(path).provider_state("s", "Microsoft.Storage") == "Registered"


def test_a_first_version_state_file_is_brought_to_the_current_version(tmp_path):
    """Version 1 lacked the deployment tables (they were created outside the Store); opening adds them."""
    path = tmp_path / "state.sqlite3"
    Store(path).set_provider_state("s", "Microsoft.Storage", "Registered")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE deployments")
        db.execute("PRAGMA user_version = 1")
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.provider_state("s", "Microsoft.Storage") == "Registered"
    assert store.deployments() == []


def test_a_newer_state_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "state.sqlite3"
    Store(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StateFileError, match=f"schema version {SCHEMA_VERSION + 1}.*empty --state-dir"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StateFileError, match="not a localazure state file"):
        Store(path)


SQL_MARKERS = re.compile(
    r"\.execute(many|script)?\(\s*f?[\"']|\b(SELECT|INSERT|UPDATE|DELETE FROM|CREATE TABLE)\b [a-z*]"
)


def test_sql_stays_behind_the_store():
    package = Path(localazure.__file__).parent
    outside = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "store.py" and SQL_MARKERS.search(path.read_text())
    )
    assert outside == []
