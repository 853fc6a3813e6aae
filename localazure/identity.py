"""Entra ID imitation: the signing key, access tokens (RS256 JWTs, v1.0 claims as Entra issues for ARM) and
their verification as Azure Resource Manager, Microsoft Graph and Azure Storage (the blob data plane) do it."""

from __future__ import annotations

import base64
import hashlib
import math
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from localazure.errors import AzureError

SIGNING_KEY = "signing-key.pem"
# Microsoft Graph's imitation lives under this path of the endpoint; its resource URI (the token audience) is the
# endpoint's URL plus this path, so that an ARM token and a Graph token never stand in for each other.
GRAPH_PATH = "/graph"
# Audiences the Graph imitation accepts besides its own URI: the public Graph's (and its application id).
PUBLIC_GRAPH_AUDIENCES = (
    "https://graph.microsoft.com",
    "https://graph.microsoft.com/",
    "00000003-0000-0000-c000-000000000000",
)
# The audiences ARM accepts besides its own URL (as ARM's InvalidAuthenticationToken message lists them).
ARM_AUDIENCES = (
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
)
# Azure Storage's resource id (the audience of its tokens, and the ``resource_id`` of its bearer challenge), and
# the audiences the blob data plane accepts: the resource id with or without its slash (v1 and v2.0 tokens) and
# Azure Storage's application id. An account's own blob endpoint URL is accepted too (``verify_for_storage``).
STORAGE_RESOURCE = "https://storage.azure.com"
STORAGE_AUDIENCES = (STORAGE_RESOURCE, STORAGE_RESOURCE + "/", "e406a681-f3d4-42a8-90b6-c2b029497af1")
# Resources the token endpoint issues tokens for besides the endpoint's own ARM URL.
KNOWN_RESOURCES = ARM_AUDIENCES + (
    "https://vault.azure.net",
    "https://storage.azure.com",
    "https://ml.azure.com",
    "https://containerregistry.azure.net",  # Azure Container Registry's audience (localazure/acr/)
    "https://graph.microsoft.com",
    "https://management.core.windows.net/",
)


class GraphTokenError(Exception):
    """A bearer token Microsoft Graph refuses (401 ``InvalidAuthenticationToken``); the message is Graph's."""


class StorageTokenError(Exception):
    """A bearer token Azure Storage refuses: ``detail`` is its ``AuthenticationErrorDetail`` (401
    ``InvalidAuthenticationInfo``), or None when the request carries no token at all (401
    ``NoAuthenticationInformation``)."""

    def __init__(self, detail: str | None):
        super().__init__(detail or "no authentication information")
        self.detail = detail


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _dotnet_utc(timestamp: float) -> str:
    try:
        moment = datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, ValueError, OSError):  # a claim beyond the calendar
        moment = (datetime.min if timestamp < 0 else datetime.max).replace(tzinfo=UTC)
    hour = moment.hour % 12 or 12
    return (
        f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d}:{moment.second:02d} "
        f"{'AM' if moment.hour < 12 else 'PM'}"
    )


class TokenService:
    def __init__(self, state_dir: Path, authority_host: str, arm_endpoint: str, lifetime_seconds: int = 3599):
        self.authority_host = authority_host.rstrip("/")
        self.arm_endpoint = arm_endpoint.rstrip("/")
        self.lifetime_seconds = lifetime_seconds
        self.graph_resource = self.arm_endpoint + GRAPH_PATH
        self._private_key = self._load_or_create_key(Path(state_dir) / SIGNING_KEY)
        public_der = self._private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = _b64url(hashlib.sha1(public_der).digest())  # noqa: S324 - a key id, as Entra's x5t
        self._public_key = self._private_key.public_key()
        self._verified: dict[str, dict] = {}
        self._verified_lock = threading.Lock()

    @staticmethod
    def _load_or_create_key(path: Path):
        if path.exists():
            return serialization.load_pem_private_key(path.read_bytes(), password=None)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)
        return key

    # -- discovery ----------------------------------------------------------------------------------
    def issuer(self, tenant_id: str) -> str:
        """The v1.0 access-token issuer (Entra's ``https://sts.windows.net/{tenant}/``)."""
        return f"{self.authority_host}/{tenant_id}/"

    def jwks(self) -> dict:
        numbers = self._public_key.public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "kid": self.key_id,
                    "x5t": self.key_id,
                    "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
                }
            ]
        }

    def openid_configuration(self, tenant: str, version: str = "v2.0") -> dict:
        base = f"{self.authority_host}/{tenant}"
        suffix = "/v2.0" if version == "v2.0" else ""
        return {
            "token_endpoint": f"{base}/oauth2{suffix}/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{base}/discovery{suffix}/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0" if version == "v2.0" else self.issuer(tenant),
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{base}/oauth2{suffix}/authorize",
            "device_authorization_endpoint": f"{base}/oauth2{suffix}/devicecode",
            "end_session_endpoint": f"{base}/oauth2{suffix}/logout",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "localazure",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
        }

    # -- tokens -------------------------------------------------------------------------------------
    def issue(
        self, principal: dict, audience: str, *, now: float | None = None, lifetime_seconds: int | None = None
    ) -> tuple[str, int]:
        now = time.time() if now is None else now
        lifetime = self.lifetime_seconds if lifetime_seconds is None else lifetime_seconds
        tenant_id = principal["tenant_id"]
        claims = {
            "aud": audience,
            "iss": self.issuer(tenant_id),
            "iat": int(now),
            "nbf": int(now) - 300,
            "exp": int(now) + lifetime,
            "aio": _b64url(uuid.uuid4().bytes),
            "appid": principal["client_id"],
            "appidacr": "1",
            "idp": self.issuer(tenant_id),
            "idtyp": "app",
            "oid": principal["object_id"],
            "rh": "0.local",
            "sub": principal["object_id"],
            "tid": tenant_id,
            "uti": _b64url(uuid.uuid4().bytes)[:22],
            "ver": "1.0",
        }
        token = jwt.encode(
            claims, self._private_key, algorithm="RS256", headers={"kid": self.key_id, "x5t": self.key_id, "typ": "JWT"}
        )
        return token, lifetime

    def verify_for_arm(self, authorization: str | None, *, now: float | None = None) -> dict:
        """The claims of a valid ARM bearer token, else AzureError 401 with ARM's code and header."""
        if not authorization:
            raise self._unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        scheme, dummy_separator, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise self._unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of invalid 'Authorization' header format.",
            )
        now = time.time() if now is None else now
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature(token)
            self._check_claim_types(claims)
        if claims["exp"] <= now:
            message = (
                f"The access token expiry UTC time '{_dotnet_utc(claims['exp'])}' is earlier than "
                f"current UTC time '{_dotnet_utc(now)}'."
            )
            raise self._unauthorized("ExpiredAuthenticationToken", message, "The access token is expired.")
        if claims.get("nbf", 0) > now + 300:
            raise self._unauthorized(
                "InvalidAuthenticationToken", "The access token is not yet valid.", "The access token is not yet valid."
            )
        audience = claims.get("aud")
        allowed = ARM_AUDIENCES + (self.arm_endpoint, self.arm_endpoint + "/")
        if audience not in allowed:
            listed = ",".join(f"'{item}'" for item in ARM_AUDIENCES)
            # Code and words as ARM answers (Azure-Samples/active-directory-dotnetcore-daemon-v2#145,
            # JetBrains/azure-tools-for-intellij#16).
            raise self._unauthorized(
                "InvalidAuthenticationTokenAudience",
                f"The access token has been obtained for wrong audience or resource '{audience}'. It should exactly "
                f"match with one of the allowed audiences {listed}.",
                "The access token has been obtained for wrong audience or resource.",
            )
        if not claims.get("oid") or not claims.get("tid"):
            raise self._unauthorized(
                "InvalidAuthenticationToken",
                "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' "
                "should be present. If you are accessing as application please make sure service principal is "
                "properly created in the tenant.",
                "The access token is invalid.",
            )
        if claims.get("iss") != self.issuer(claims["tid"]):
            raise self._unauthorized(
                "InvalidAuthenticationToken", "The access token is invalid.", "The access token issuer is invalid."
            )
        with self._verified_lock:
            if len(self._verified) > 10000:
                self._verified.clear()
            self._verified[token] = claims
        return claims

    def verify_for_graph(self, authorization: str | None, *, now: float | None = None) -> dict:
        """The claims of a valid Microsoft Graph bearer token, else GraphTokenError with Graph's words."""
        scheme, dummy_separator, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise GraphTokenError("Access token is empty.")
        try:
            claims = self._verify_signature(token)
        except AzureError as error:
            raise GraphTokenError("Access token validation failure.") from error
        now = time.time() if now is None else now
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
            raise GraphTokenError("Lifetime validation failed, the token is expired.")
        if not isinstance(claims.get("nbf", 0), (int, float)) or claims.get("nbf", 0) > now + 300:
            raise GraphTokenError("Lifetime validation failed, the token is not yet valid.")
        if claims.get("aud") not in (self.graph_resource, self.graph_resource + "/") + PUBLIC_GRAPH_AUDIENCES:
            raise GraphTokenError("Access token validation failure. Invalid audience.")
        if not claims.get("oid") or not claims.get("tid") or claims.get("iss") != self.issuer(str(claims["tid"])):
            raise GraphTokenError("Access token validation failure. Invalid issuer.")
        return claims

    def verify_for_storage(
        self,
        authorization: str | None,
        tenant_id: str,
        *,
        extra_audiences: tuple[str, ...] = (),
        now: float | None = None,
    ) -> dict:
        """The claims of a bearer token Azure Storage accepts for an account of tenant ``tenant_id``, else
        StorageTokenError with the detail Storage gives. ``extra_audiences``: the account's own endpoint URLs."""
        scheme, dummy_separator, token = (authorization or "").partition(" ")
        token = token.strip()
        if not authorization:
            raise StorageTokenError(None)
        if scheme.lower() != "bearer" or not token:
            # NOT VERIFIED: the detail's words.
            raise StorageTokenError("Authentication scheme Bearer is required; the Authorization header is malformed.")
        try:
            claims = self._verify_signature(token)
            self._check_claim_types(claims)
        except AzureError as error:
            # NOT VERIFIED: the detail's words (IdentityModel's words for a signature that does not verify).
            raise StorageTokenError("Signature validation failed. Signature is invalid.") from error
        now = time.time() if now is None else now
        if claims["exp"] <= now:
            # Storage's words (Azure/azure-storage-azcopy, quoted in its reauthentication policy).
            raise StorageTokenError("Lifetime validation failed. The token is expired.")
        if claims.get("nbf", 0) > now + 300:
            # NOT VERIFIED: the detail's words.
            raise StorageTokenError("Lifetime validation failed. The token is not yet valid.")
        audiences = {item.rstrip("/") for item in STORAGE_AUDIENCES + extra_audiences}
        if str(claims.get("aud", "")).rstrip("/") not in audiences:
            # Storage's words (recorded responses in Azure/azure-sdk-for-js's storage tests).
            raise StorageTokenError("Audience validation failed. Audience did not match.")
        if (
            not claims.get("oid")
            or str(claims.get("tid", "")).lower() != tenant_id.lower()
            or claims.get("iss") != self.issuer(str(claims.get("tid")))
        ):
            # NOT VERIFIED: the detail's words.
            raise StorageTokenError("Issuer validation failed. Issuer did not match.")
        return claims

    def _check_claim_types(self, claims: dict) -> None:
        """A signed token may still carry claims of the wrong type: refuse it, as ARM does, with 401."""
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise self._unauthorized(
                    "InvalidAuthenticationToken",
                    "The access token is invalid.",
                    f"The access token's '{name}' claim is not a number.",
                )
        for name in ("oid", "tid", "iss", "appid"):
            if name in claims and not isinstance(claims[name], str):
                raise self._unauthorized(
                    "InvalidAuthenticationToken",
                    "The access token is invalid.",
                    f"The access token's '{name}' claim is not a string.",
                )

    def _verify_signature(self, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") not in (None, self.key_id):
                raise jwt.InvalidSignatureError("unknown signing key")
            return jwt.decode(
                token,
                self._public_key,
                algorithms=["RS256"],
                options={
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "require": ["exp", "aud", "iss"],
                },
            )
        except jwt.InvalidSignatureError as error:
            raise self._unauthorized(
                "InvalidAuthenticationToken",
                "The access token signature is invalid.",
                "The access token signature is invalid.",
            ) from error
        except jwt.PyJWTError as error:
            raise self._unauthorized(
                "InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid."
            ) from error

    def tenant_mismatch(self, claims: dict, subscription_tenant: str) -> AzureError:
        message = (
            f"The access token is from the wrong issuer '{claims.get('iss')}'. It must match the tenant "
            f"'{self.issuer(subscription_tenant)}' associated with this subscription. Please use the authority "
            f"(URL) '{self.authority_host}/{subscription_tenant}' to get the token. Note, if the subscription "
            "is transferred to another tenant there is no impact to the services, but information about new "
            "tenant could take time to propagate (up to an hour). If you just transferred your subscription "
            "and see this error message, please try back later."
        )
        return self._unauthorized(
            "InvalidAuthenticationTokenTenant",
            message,
            "The access token is from the wrong issuer.",
            tenant=subscription_tenant,
        )

    def _unauthorized(self, code: str, message: str, description: str, tenant: str | None = None) -> AzureError:
        authorization_uri = f"{self.authority_host}/{tenant}" if tenant else f"{self.authority_host}/"
        header = (
            f'Bearer authorization_uri="{authorization_uri}", error="invalid_token", error_description="{description}"'
        )
        return AzureError(401, code, message, headers={"WWW-Authenticate": header})
