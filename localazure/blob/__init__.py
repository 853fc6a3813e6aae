"""The Blob service's data plane for the endpoint's storage accounts, path-style:
``https://<endpoint>/<account>/<container>/<blob>`` (``routes.py``). Containers are the ARM resources
(``containers.py``), blobs and their blocks live in the store (``blobs.py``), callers authenticate with Entra ID
tokens for Azure Storage or Shared Key and are authorized with Azure's data actions (``auth.py``)."""

from localazure.blob.routes import register

__all__ = ["register"]
