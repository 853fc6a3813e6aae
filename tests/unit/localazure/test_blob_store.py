"""The store's blob tables: committed blobs, staged blocks, ranges, name-ordered listing, and their removal with
the container's resource tree; a version 2 state file gains the tables."""

import sqlite3

from localazure.store import SCHEMA_VERSION, Store

ACCOUNT = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/acct"
CONTAINER = f"{ACCOUNT}/blobServices/default/containers/data"


def _store(tmp_path) -> Store:
    return Store(tmp_path / "state.sqlite3")


def test_a_blob_is_stored_read_whole_and_in_ranges(tmp_path):
    store = _store(tmp_path)
    store.put_blob(CONTAINER, "a/b.txt", {"etag": "0x1"}, b"0123456789", [["YQ==", 10]])
    blob = store.blob(CONTAINER.upper(), "a/b.txt")  # the container's id compares case-insensitively
    assert blob == {
        "name": "a/b.txt",
        "properties": {"etag": "0x1"},
        "blocks": [["YQ==", 10]],
        "size": 10,
        "content": b"0123456789",
    }
    assert "content" not in store.blob(CONTAINER, "a/b.txt", content=False)
    assert store.blob_range(CONTAINER, "a/b.txt", 3, 4) == b"3456"
    assert store.blob_range(CONTAINER, "a/b.txt", 8, 100) == b"89"
    assert store.blob(CONTAINER, "A/B.txt") is None  # blob names are case-sensitive


def test_blobs_are_listed_in_byte_order_by_prefix_and_start(tmp_path):
    store = _store(tmp_path)
    for name in ("b", "a/2", "a/1", "a-1", "é", "Z"):
        store.put_blob(CONTAINER, name, {}, name.encode(), [])
    assert [item["name"] for item in store.list_blobs(CONTAINER)] == ["Z", "a-1", "a/1", "a/2", "b", "é"]
    assert [item["name"] for item in store.list_blobs(CONTAINER, "a/")] == ["a/1", "a/2"]
    assert [item["name"] for item in store.list_blobs(CONTAINER, "", "a/2")] == ["a/2", "b", "é"]
    assert store.list_blobs(CONTAINER, "a/")[0]["size"] == 3


def test_staged_blocks_are_replaced_by_id_and_discarded_by_a_commit(tmp_path):
    store = _store(tmp_path)
    store.put_blob_block(CONTAINER, "big", "AA==", b"one")
    store.put_blob_block(CONTAINER, "big", "AQ==", b"two")
    store.put_blob_block(CONTAINER, "big", "AA==", b"ONE")
    assert store.blob_blocks(CONTAINER, "big") == {"AQ==": b"two", "AA==": b"ONE"}
    assert store.blob_block_count(CONTAINER, "big") == 2
    store.put_blob(CONTAINER, "big", {}, b"twoONE", [["AQ==", 3], ["AA==", 3]])
    assert store.blob_blocks(CONTAINER, "big") == {}


def test_deleting_a_blob_and_its_staged_blocks(tmp_path):
    store = _store(tmp_path)
    store.put_blob(CONTAINER, "x", {}, b"data", [])
    store.put_blob_block(CONTAINER, "x", "AA==", b"staged")
    assert store.delete_blob(CONTAINER, "x") is True
    assert store.blob(CONTAINER, "x") is None and store.blob_blocks(CONTAINER, "x") == {}
    assert store.delete_blob(CONTAINER, "x") is False


def test_removing_a_resource_tree_removes_the_blobs_below_it_only(tmp_path):
    store = _store(tmp_path)
    other = ACCOUNT + "2/blobServices/default/containers/data"  # "acct2" shares the prefix "acct"
    for container in (CONTAINER, other):
        store.put_blob(container, "kept?", {}, b"data", [])
        store.put_blob_block(container, "staged", "AA==", b"block")
    store.delete_resource_tree(ACCOUNT)
    assert store.blob(CONTAINER, "kept?") is None and store.blob_blocks(CONTAINER, "staged") == {}
    assert store.blob(other, "kept?") is not None and store.blob_blocks(other, "staged") != {}


def test_a_second_version_state_file_gains_the_blob_tables(tmp_path):
    path = tmp_path / "state.sqlite3"
    Store(path).set_provider_state("s", "Microsoft.Storage", "Registered")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE blobs")
        db.execute("DROP TABLE blob_blocks")
        db.execute("PRAGMA user_version = 2")
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert store.provider_state("s", "Microsoft.Storage") == "Registered"
    assert store.list_blobs(CONTAINER) == []
