"""A local Azure endpoint: Entra ID tokens and Azure Resource Manager over HTTPS, for tests without Azure.

Run it with ``python -m localazure serve --state-dir DIR``; ``README.md`` in this folder is the developer guide.
"""
