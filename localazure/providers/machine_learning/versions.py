"""api-versions of Microsoft.MachineLearningServices.

The types take their api-versions from the request-body validator (localazure/schema/catalog.py: the installed
azure-ai-ml models' 2025-12-01 plus the published versions), which include the project's template version
2025-12-01 and the versions azure-ai-ml 1.35's MLClient sends for workspaces (2024-10-01-preview, and
2023-08-01-preview in its own ARM template), computes (2023-08-01-preview) and datastores (2024-10-01-preview),
as recorded with the request log (tests/integration/localazure/test_machine_learning_sdk.py asserts them).
"""

from __future__ import annotations

from localazure.resource_types import ML_COMPUTES, ML_DATASTORES, ML_WORKSPACES

WORKSPACE_TYPE = ML_WORKSPACES
COMPUTE_TYPE = ML_COMPUTES
DATASTORE_TYPE = ML_DATASTORES

DEFAULT_API_VERSION = "2025-12-01"
