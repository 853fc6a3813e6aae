"""Azure Container Registry's authentication for the endpoint's registries, path-style:
``https://<endpoint>/<registry>/oauth2/exchange``, ``.../oauth2/token`` and ``.../v2/`` (``routes.py``). Entra ID
tokens are exchanged for the registry's own refresh and access tokens (``tokens.py``), whose access is what the
caller's role assignments at the registry allow."""

from localazure.acr.routes import register

__all__ = ["register"]
