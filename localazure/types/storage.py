"""Storage accounts, their blob service and blob containers; ``listKeys``, ``regenerateKey``, ``listAccountSas``,
``listServiceSas`` and ``checkNameAvailability``.

Host naming: endpoints follow Azure's scheme with the suffixes this endpoint publishes in its cloud metadata
document (``suffixes.storage`` of ``GET /metadata/endpoints``): ``https://{account}.blob.{suffix}/`` and
likewise for ``queue``, ``table``, ``file``, ``dfs`` and ``web`` (``{account}.z6.web.{suffix}``). They name
hosts; this endpoint serves no data plane.

Account keys are not stored: each is an HMAC of the account id, the key name and its creation time under the
endpoint's admin secret, so ``regenerateKey`` (a new creation time) gives a new key and nothing in the state
holds a key in clear. The SAS tokens ``listAccountSas`` and ``listServiceSas`` answer are signed as Azure signs
them (signed version 2015-04-05, as in the REST API's examples): an HMAC-SHA256 of the documented string-to-sign
under the account key, so a storage client could check them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from datetime import UTC, datetime
from urllib.parse import quote

from localazure.cloud import cloud_document
from localazure.error_catalogue import (
    ACCOUNT_NAME_INVALID,
    CONTAINER_OPERATION_FAILURE,
    INVALID_ACCOUNT_KIND_CHANGE,
    INVALID_REQUEST_CONTENT,
    INVALID_RESOURCE_NAME,
    INVALID_VALUES_FOR_REQUEST_PARAMETERS,
    PUBLIC_ACCESS_NOT_PERMITTED,
    STORAGE_ACCOUNT_ALREADY_TAKEN,
)
from localazure.errors import AzureError
from localazure.http import Response, json_response
from localazure.ids import parse_resource_path
from localazure.operations import lro_headers
from localazure.resource_types import BLOB_CONTAINERS, BLOB_SERVICES, FILE_SERVICES, KEY_VAULTS, STORAGE_ACCOUNTS
from localazure.types._base import ValidatedType, kept, properties_of
from localazure.types._cmk import require_assigned_identity, require_key_in_vault
from localazure.types._name_availability import NameRules, globally_named
from localazure.types._name_availability import register_route as register_name_check

KEY_NAMES = ("key1", "key2")
_ACCOUNT_NAME = re.compile(r"^[a-z0-9]{3,24}$")
_CONTAINER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")
CONTAINER_NAME_LENGTH = (3, 63)
CONTAINER_NAME_PATTERN = _CONTAINER_NAME  # file shares follow the same rules
# An account's kind may change only by an upgrade to general-purpose v2 ("Upgrade to a general-purpose v2
# storage account": from Storage or BlobStorage); every other change is refused.
UPGRADABLE_KINDS = {"storage": "storagev2", "blobstorage": "storagev2"}


def now_iso() -> str:
    """Azure's timestamps: seven fractional digits (ticks), UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def storage_suffix(app) -> str:
    return cloud_document(app, "2019-05-01")["suffixes"]["storage"]


def primary_endpoints(app, account: str) -> dict:
    suffix = storage_suffix(app)
    endpoints = {
        service: f"https://{account}.{service}.{suffix}/" for service in ("blob", "queue", "table", "file", "dfs")
    }
    endpoints["web"] = f"https://{account}.z6.web.{suffix}/"
    return endpoints


def invalid_account_name(name: str) -> str:
    return (
        f"{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters "
        "in length and use numbers and lower-case letters only."
    )


def taken_account_name(name: str) -> str:
    return f"The storage account named {name} is already taken."


def account_named(store, name: str) -> str | None:
    """The id of a storage account with this name in any subscription (names are global)."""
    return globally_named(store, STORAGE_ACCOUNTS, name)


NAME_RULES = NameRules(
    STORAGE_ACCOUNTS,
    "Microsoft.Storage/checknameavailability/read",
    _ACCOUNT_NAME,
    "AccountNameInvalid",
    invalid_account_name,
    taken_account_name,
)


def account_key(app, account_id: str, key_name: str, created: str) -> str:
    digest = hmac.new(
        app.admin_secret.encode(), f"{account_id.lower()}|{key_name}|{created}".encode(), hashlib.sha512
    ).digest()
    return base64.b64encode(digest).decode()


def file_service_body(service_id: str) -> dict:
    """The file service ``default`` every account gets with it."""
    return {
        "id": service_id,
        "name": "default",
        "type": FILE_SERVICES,
        "properties": {"cors": {"corsRules": []}, "shareDeleteRetentionPolicy": {"enabled": True, "days": 7}},
    }


class StorageAccount(ValidatedType):
    def check(self, body, context):
        name = context.path.name
        if not _ACCOUNT_NAME.match(name):
            raise ACCOUNT_NAME_INVALID(invalid_account_name(name))
        if context.existing is None:
            other = account_named(context.store, name)
            if other is not None and other.lower() != context.resource_id.lower():
                raise STORAGE_ACCOUNT_ALREADY_TAKEN(taken_account_name(name))
        else:
            _check_kind_change(context.existing.get("kind"), body.get("kind"))
        _check_customer_managed_key(context.store, body)

    def fill(self, result, context):
        name = context.path.name
        sku = result.get("sku")
        if isinstance(sku, dict) and isinstance(sku.get("name"), str):
            sku["tier"] = "Premium" if sku["name"].lower().startswith("premium") else "Standard"
        properties = result["properties"]
        created = kept(context, "creationTime", now_iso)
        properties.update(
            {
                "primaryEndpoints": primary_endpoints(context.app, name),
                "primaryLocation": result.get("location"),
                "statusOfPrimary": "available",
                "creationTime": created,
                "keyCreationTime": kept(context, "keyCreationTime", lambda: {key: created for key in KEY_NAMES}),
            }
        )
        properties.setdefault("minimumTlsVersion", "TLS1_0")
        properties.setdefault("allowBlobPublicAccess", False)
        properties.setdefault("supportsHttpsTrafficOnly", True)
        if str(result.get("kind", "")).lower() in ("storagev2", "blobstorage"):
            properties.setdefault("accessTier", "Hot")
        properties.setdefault(
            "encryption",
            {
                "keySource": "Microsoft.Storage",
                "services": {
                    service: {"enabled": True, "keyType": "Account", "lastEnabledTime": created}
                    for service in ("blob", "file")
                },
            },
        )
        properties.setdefault(
            "networkAcls",
            {"bypass": "AzureServices", "virtualNetworkRules": [], "ipRules": [], "defaultAction": "Allow"},
        )
        properties.setdefault("privateEndpointConnections", [])

    def on_create(self, body, context):
        """Azure gives every account its blob and file services ``default`` at once."""
        file_service_id = f"{context.resource_id}/fileServices/default"
        context.store.put_resource(
            file_service_id,
            FILE_SERVICES,
            context.resource_id,
            {**file_service_body(file_service_id), "sku": body.get("sku")},
            context.api_version,
            now=time.time(),
        )
        service_id = f"{context.resource_id}/blobServices/default"
        context.store.put_resource(
            service_id,
            BLOB_SERVICES,
            context.resource_id,
            {
                "id": service_id,
                "name": "default",
                "type": BLOB_SERVICES,
                "sku": body.get("sku"),
                "properties": {
                    "cors": {"corsRules": []},
                    "deleteRetentionPolicy": {"allowPermanentDelete": False, "enabled": False},
                },
            },
            context.api_version,
            now=time.time(),
        )


def _check_customer_managed_key(store, body) -> None:
    """encryption.keySource Microsoft.Keyvault: the key (keyvaultproperties.keyvaulturi + keyname) must exist and
    encryption.identity.userAssignedIdentity must be one of the account's user-assigned identities."""
    encryption = properties_of(body).get("encryption")
    if not isinstance(encryption, dict) or str(encryption.get("keySource", "")).lower() != "microsoft.keyvault":
        return
    key_properties = encryption.get("keyvaultproperties") or {}
    vault_uri = str(key_properties.get("keyvaulturi") or "")
    vault_name = vault_uri.removeprefix("https://").split(".", 1)[0]
    vault_id = store.resource_id_named(KEY_VAULTS, vault_name) if vault_name else None
    require_key_in_vault(
        store, vault_id or vault_uri, key_properties.get("keyname"), "properties.encryption.keyvaultproperties"
    )
    identity = (encryption.get("identity") or {}).get("userAssignedIdentity")
    if identity:
        require_assigned_identity(body, identity, "properties.encryption.identity.userAssignedIdentity")


def _check_kind_change(previous_kind, kind) -> None:
    if not (isinstance(previous_kind, str) and isinstance(kind, str)) or previous_kind.lower() == kind.lower():
        return
    if UPGRADABLE_KINDS.get(previous_kind.lower()) != kind.lower():
        # NOT VERIFIED: code and words; the rule (only upgrades to StorageV2) is from Azure's upgrade docs.
        raise INVALID_ACCOUNT_KIND_CHANGE(
            f"The account kind cannot be changed from {previous_kind} to {kind}. An account can only be "
            "upgraded to StorageV2."
        )


class BlobService(ValidatedType):
    def check(self, body, context):
        if context.path.name.lower() != "default":
            # NOT VERIFIED: the code; Azure allows only the name 'default' for blob services.
            raise INVALID_RESOURCE_NAME(
                f"The resource name '{context.path.name}' is invalid. The blob service name must be 'default'."
            )

    def fill(self, result, context):
        result["properties"].pop("provisioningState", None)  # Azure's blob service has none
        account = context.store.get_resource(context.path.parent_id) or {}
        if account.get("sku"):
            result["sku"] = account["sku"]


class BlobContainer(ValidatedType):
    def check(self, body, context):
        name = context.path.name
        if not CONTAINER_NAME_LENGTH[0] <= len(name) <= CONTAINER_NAME_LENGTH[1]:
            # NOT VERIFIED: the code through ARM; the words are the blob service's for a name of the wrong length
            # (OutOfRangeInput, quoted in Azure/Azurite#2017).
            raise CONTAINER_OPERATION_FAILURE(
                "The specified resource name length is not within the permissible limits."
            )
        if not _CONTAINER_NAME.match(name):
            # NOT VERIFIED: the code through ARM; the words (Azure's own spelling) are the blob service's
            # InvalidResourceName, quoted in Azure/azure-cli#11052.
            raise CONTAINER_OPERATION_FAILURE("The specifed resource name contains invalid characters.")
        public_access = str(properties_of(body).get("publicAccess") or "None")
        account_id = context.path.parent_id.rsplit("/blobServices/", 1)[0]
        account = context.store.get_resource(account_id) or {}
        if public_access.lower() != "none" and properties_of(account).get("allowBlobPublicAccess") is False:
            raise PUBLIC_ACCESS_NOT_PERMITTED("Public access is not permitted on this storage account.")

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)  # Azure's blob container has none
        properties.setdefault("publicAccess", "None")
        properties.update(
            {
                "leaseStatus": "Unlocked",
                "leaseState": "Available",
                "hasImmutabilityPolicy": False,
                "hasLegalHold": False,
                "deleted": False,
                "remainingRetentionDays": 0,
                "lastModifiedTime": now_iso(),
            }
        )
        properties.setdefault("defaultEncryptionScope", "$account-encryption-key")
        properties.setdefault("denyEncryptionScopeOverride", False)
        result["etag"] = f'"0x{time.time_ns() // 100:X}"'


# -- actions --------------------------------------------------------------------------------------------
def keys_body(app, account: dict) -> dict:
    created = properties_of(account).get("keyCreationTime") or {}
    return {
        "keys": [
            {
                "keyName": key,
                "value": account_key(app, account["id"], key, created.get(key, "")),
                "permissions": "FULL",
                "creationTime": created.get(key),
            }
            for key in KEY_NAMES
        ]
    }


def list_keys(app, request, context):
    return json_response(keys_body(app, context.existing))


def regenerate_key(app, request, context):
    body = request.json()
    key_name = body.get("keyName") if isinstance(body, dict) else None
    if not isinstance(key_name, str) or key_name.lower() not in KEY_NAMES:
        # NOT VERIFIED: code and words (Azure accepts key1, key2, kerb1, kerb2).
        raise INVALID_VALUES_FOR_REQUEST_PARAMETERS("Values for request parameters are invalid: keyName.")
    with app.store.transaction():
        account = app.store.get_resource(context.resource_id)
        account["properties"].setdefault("keyCreationTime", {})[key_name.lower()] = now_iso()
        app.store.put_resource(
            context.resource_id, STORAGE_ACCOUNTS, context.path.parent_id, account, context.api_version, now=time.time()
        )
    return json_response(keys_body(app, account))


SAS_VERSION = "2015-04-05"
ACCOUNT_SAS_FIELDS = {  # body member -> (token parameter, allowed letters or None)
    "signedServices": ("ss", "bqtf"),
    "signedResourceTypes": ("srt", "sco"),
    "signedPermission": ("sp", "rwdlacupxtfi"),
}
SERVICE_SAS_RESOURCES = "bcfs"
SAS_PROTOCOLS = ("https", "https,http")
# ServiceSasParameters' response headers: body member -> token parameter.
SERVICE_SAS_HEADERS = (
    ("cacheControl", "rscc"),
    ("contentDisposition", "rscd"),
    ("contentEncoding", "rsce"),
    ("contentLanguage", "rscl"),
    ("contentType", "rsct"),
)


def invalid_parameter(name: str) -> AzureError:
    # NOT VERIFIED: code and words, as for regenerateKey's keyName.
    return INVALID_VALUES_FOR_REQUEST_PARAMETERS(f"Values for request parameters are invalid: {name}.")


def _sas_time(parameters: dict, name: str, *, required: bool) -> str:
    value = parameters.get(name)
    if value is None and not required:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise invalid_parameter(name)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sas_letters(parameters: dict, name: str, allowed: str) -> str:
    value = parameters.get(name)
    if not isinstance(value, str) or not value or any(letter not in allowed for letter in value.lower()):
        raise invalid_parameter(name)
    return value.lower()


def _sas_common(parameters) -> dict:
    """The members both SAS kinds share: start, expiry, IP range, protocol and the key to sign with."""
    if not isinstance(parameters, dict):
        raise INVALID_REQUEST_CONTENT(
            "The request content was invalid and could not be deserialized: 'The parameters are required.'."
        )
    protocol = parameters.get("signedProtocol") or ""
    if protocol and protocol not in SAS_PROTOCOLS:
        raise invalid_parameter("signedProtocol")
    key_name = str(parameters.get("keyToSign") or "key1").lower()
    if key_name not in KEY_NAMES:
        raise invalid_parameter("keyToSign")
    return {
        "st": _sas_time(parameters, "signedStart", required=False),
        "sip": str(parameters.get("signedIp") or ""),
        "spr": protocol,
        "key": key_name,
    }


def _signature(app, account: dict, key_name: str, string_to_sign: str) -> str:
    key = next(item["value"] for item in keys_body(app, account)["keys"] if item["keyName"] == key_name)
    digest = hmac.new(base64.b64decode(key), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _token(fields: list[tuple[str, str]], signature: str) -> str:
    encoded = [f"{name}={value if name == 'spr' else quote(value, safe='')}" for name, value in fields if value]
    return "&".join(encoded + [f"sig={quote(signature, safe='')}"])


def list_account_sas(app, request, context):
    """Storage Accounts - List Account SAS: ``{"accountSasToken": ...}``."""
    parameters = request.json()
    common = _sas_common(parameters)
    letters = {
        token: _sas_letters(parameters, member, allowed) for member, (token, allowed) in ACCOUNT_SAS_FIELDS.items()
    }
    expiry = _sas_time(parameters, "signedExpiry", required=True)
    string_to_sign = "\n".join(
        [
            context.path.name,
            letters["sp"],
            letters["ss"],
            letters["srt"],
            common["st"],
            expiry,
            common["sip"],
            common["spr"],
            SAS_VERSION,
            "",
        ]
    )
    fields = [
        ("sv", SAS_VERSION),
        ("ss", letters["ss"]),
        ("srt", letters["srt"]),
        ("sp", letters["sp"]),
        ("st", common["st"]),
        ("se", expiry),
        ("sip", common["sip"]),
        ("spr", common["spr"]),
    ]
    signature = _signature(app, context.existing, common["key"], string_to_sign)
    return json_response({"accountSasToken": _token(fields, signature)})


def list_service_sas(app, request, context):
    """Storage Accounts - List Service SAS: ``{"serviceSasToken": ...}`` for a blob, container, file or share."""
    parameters = request.json()
    common = _sas_common(parameters)
    resource = parameters.get("canonicalizedResource")
    parts = resource.split("/") if isinstance(resource, str) else []
    if (
        len(parts) < 3
        or parts[0]
        or parts[1] not in ("blob", "file", "queue", "table")
        or parts[2] != context.path.name
    ):
        raise invalid_parameter("canonicalizedResource")
    identifier = str(parameters.get("signedIdentifier") or "")
    permission = (
        _sas_letters(parameters, "signedPermission", "rwdlacup")
        if parameters.get("signedPermission") is not None or not identifier
        else ""
    )
    expiry = _sas_time(parameters, "signedExpiry", required=not identifier)
    signed_resource = str(parameters.get("signedResource") or "")
    if signed_resource and signed_resource not in SERVICE_SAS_RESOURCES:
        raise invalid_parameter("signedResource")
    headers = [(token, str(parameters.get(member) or "")) for member, token in SERVICE_SAS_HEADERS]
    string_to_sign = "\n".join(
        [permission, common["st"], expiry, resource, identifier, common["sip"], common["spr"], SAS_VERSION]
        + [value for _, value in headers]
    )
    fields = [
        ("sv", SAS_VERSION),
        ("sr", signed_resource),
        ("si", identifier),
        ("sp", permission),
        ("st", common["st"]),
        ("se", expiry),
        ("sip", common["sip"]),
        ("spr", common["spr"]),
        *headers,
    ]
    signature = _signature(app, context.existing, common["key"], string_to_sign)
    return json_response({"serviceSasToken": _token(fields, signature)})


def create_account(app, request, resource_path):
    """PUT of an account: like the generic route, but answered as Microsoft.Storage does -- 202 with only a
    ``Location`` to poll (202 until done, then 200 with the account) -- or 200 with the body when synchronous."""
    path = parse_resource_path(resource_path)
    body = request.json()
    location = body.get("location") if isinstance(body, dict) else None
    resource_type = app.resources.resource_type(path, request.api_version, location)
    app.authorize(request, resource_type.write_action, path.id)
    _, stored, operation = app.resources.put(
        path, body, request.api_version, principal=request.principal, request=request
    )
    if operation is None:
        return json_response(stored)
    headers = lro_headers(
        app, operation, resource_type, path.subscription_id, stored.get("location"), request.api_version
    )
    return Response(status=202, headers={"Location": headers["Location"], "Retry-After": headers["Retry-After"]})


def register(app) -> None:
    accounts = app.registry.register(
        StorageAccount(STORAGE_ACCOUNTS, long_running_put=True, status_segment="asyncoperations")
    )
    accounts.actions["listkeys"] = list_keys
    accounts.actions["regeneratekey"] = regenerate_key
    accounts.actions["listaccountsas"] = list_account_sas
    accounts.actions["listservicesas"] = list_service_sas
    app.registry.register(BlobService(BLOB_SERVICES))
    app.registry.register(BlobContainer(BLOB_CONTAINERS))
    app.router.add(
        "PUT",
        r"(?P<resource_path>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Storage/"
        r"storageAccounts/[^/]+)",
        create_account,
        priority=80,
    )
    register_name_check(app, NAME_RULES)
