"""The blob service's errors, in its own shape (not ARM's): an XML body

    <?xml version="1.0" encoding="utf-8"?><Error><Code>...</Code><Message>...
    RequestId:...
    Time:...</Message>[<HeaderName>...</HeaderName>...]</Error>

with ``x-ms-error-code`` naming the code (a HEAD answer has only the header). Codes, statuses and messages are
those of the Blob service's error-code tables ("Blob Storage error codes", "Common REST API error codes" in the
Azure Storage REST reference); the authentication messages are quoted from recorded Azure responses
(Azure/azure-sdk-for-js storage recordings, Azure/azure-storage-azcopy).
"""

from __future__ import annotations

from dataclasses import dataclass


class BlobError(Exception):
    """An error answer of the blob service. ``details``: further elements after ``Message`` (name, text)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details or [])
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class BlobErrorKind:
    """One (status, code) of the blob service with its usual message: ``raise BLOB_NOT_FOUND()``."""

    status: int
    code: str
    message: str

    def __call__(
        self,
        message: str | None = None,
        *,
        details: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> BlobError:
        return BlobError(self.status, self.code, message or self.message, details=details, headers=headers)


_AUTHENTICATE = (
    "Server failed to authenticate the request. Please refer to the information in the www-authenticate header."
)

AUTHENTICATION_FAILED = BlobErrorKind(
    403,
    "AuthenticationFailed",
    "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly "
    "including the signature.",
)
AUTHORIZATION_PERMISSION_MISMATCH = BlobErrorKind(
    403,
    "AuthorizationPermissionMismatch",
    "This request is not authorized to perform this operation using this permission.",
)
BLOB_ALREADY_EXISTS = BlobErrorKind(409, "BlobAlreadyExists", "The specified blob already exists.")
BLOB_NOT_FOUND = BlobErrorKind(404, "BlobNotFound", "The specified blob does not exist.")
CONDITION_NOT_MET = BlobErrorKind(
    412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met."
)
CONTAINER_ALREADY_EXISTS = BlobErrorKind(409, "ContainerAlreadyExists", "The specified container already exists.")
CONTAINER_NOT_FOUND = BlobErrorKind(404, "ContainerNotFound", "The specified container does not exist.")
INTERNAL_ERROR = BlobErrorKind(
    500, "InternalError", "Server encountered an internal error. Please try again after some time."
)
INVALID_AUTHENTICATION_INFO = BlobErrorKind(401, "InvalidAuthenticationInfo", _AUTHENTICATE)
INVALID_BLOCK_LIST = BlobErrorKind(400, "InvalidBlockList", "The specified block list is invalid.")
INVALID_HEADER_VALUE = BlobErrorKind(
    400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format."
)
INVALID_INPUT = BlobErrorKind(400, "InvalidInput", "One of the request inputs is not valid.")
INVALID_QUERY_PARAMETER_VALUE = BlobErrorKind(
    400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid."
)
INVALID_RANGE = BlobErrorKind(
    416, "InvalidRange", "The range specified is invalid for the current size of the resource."
)
# Azure's own spelling ("specifed"), as the blob service answers it (quoted in Azure/azure-cli#11052).
INVALID_RESOURCE_NAME = BlobErrorKind(
    400, "InvalidResourceName", "The specifed resource name contains invalid characters."
)
INVALID_XML_DOCUMENT = BlobErrorKind(400, "InvalidXmlDocument", "XML specified is not syntactically valid.")
KEY_BASED_AUTHENTICATION_NOT_PERMITTED = BlobErrorKind(
    403, "KeyBasedAuthenticationNotPermitted", "Key based authentication is not permitted on this storage account."
)
MD5_MISMATCH = BlobErrorKind(
    400,
    "Md5Mismatch",
    "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
)
MISSING_REQUIRED_HEADER = BlobErrorKind(
    400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified."
)
NO_AUTHENTICATION_INFORMATION = BlobErrorKind(401, "NoAuthenticationInformation", _AUTHENTICATE)
# The words for a container name of the wrong length (quoted in Azure/Azurite#2017).
OUT_OF_RANGE_INPUT = BlobErrorKind(
    400, "OutOfRangeInput", "The specified resource name length is not within the permissible limits."
)
PUBLIC_ACCESS_NOT_PERMITTED = BlobErrorKind(
    409, "PublicAccessNotPermitted", "Public access is not permitted on this storage account."
)
REQUEST_BODY_TOO_LARGE = BlobErrorKind(
    413, "RequestBodyTooLarge", "The request body is too large and exceeds the maximum permissible limit."
)
# An account this endpoint does not have. Azure cannot answer this (an unknown account's host name does not
# resolve); path-style, the endpoint answers the blob service's 404 for a resource that does not exist.
RESOURCE_NOT_FOUND = BlobErrorKind(404, "ResourceNotFound", "The specified resource does not exist.")
UNSUPPORTED_HTTP_VERB = BlobErrorKind(405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.")
