"""api-versions of Microsoft.MachineLearningServices served here.

The versions the request-body validator knows (localazure/schema/catalog.py: the installed azure-ai-ml models'
2025-12-01 plus published versions), the project's template version 2025-12-01, and the versions azure-ai-ml
1.35's MLClient sends for the calls it makes on workspaces, computes and datastores (recorded with the request
log; see tests/integration/localazure/test_machine_learning_sdk.py).
"""
from __future__ import annotations

NAMESPACE = "Microsoft.MachineLearningServices"
WORKSPACE_TYPE = f"{NAMESPACE}/workspaces"
COMPUTE_TYPE = f"{NAMESPACE}/workspaces/computes"
DATASTORE_TYPE = f"{NAMESPACE}/workspaces/datastores"

API_VERSIONS = ("2023-04-01", "2023-08-01-preview", "2023-10-01", "2024-04-01", "2024-04-01-preview",
                "2024-10-01", "2024-10-01-preview", "2025-01-01-preview", "2025-12-01")
DEFAULT_API_VERSION = "2025-12-01"
