"""Make ``ansible_collections.it4ad.dlinfra`` importable from the working tree.

The collection's Python code imports itself by its fully qualified name, as Ansible does at run time.
A symlink under ``.build/`` (ignored by git and by every tool that walks the tree) points at the
repository root, and that folder goes on ``sys.path`` for the test session.
"""
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS_ROOT = REPOSITORY_ROOT / ".build" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "it4ad" / "dlinfra"

if not COLLECTION_LINK.exists():
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
    COLLECTION_LINK.symlink_to(REPOSITORY_ROOT, target_is_directory=True)
if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))

# The local Azure endpoint (localazure/) is a top-level package of the repository, not of the collection.
if str(REPOSITORY_ROOT) not in sys.path:
    sys.path.insert(0, str(REPOSITORY_ROOT))
