"""Azure role-based access control for the local Azure endpoint.

Pure logic with no I/O: built-in role data, the mapping from an HTTP request to its
Microsoft.* action string, role evaluation and the checks Azure applies when role
definitions and role assignments are written.
"""
