"""Subscriptions, resource providers and locations."""

from __future__ import annotations

from localazure.api_versions import PROVIDER_API_VERSIONS, check_api_version
from localazure.error_catalogue import INVALID_RESOURCE_NAMESPACE_404
from localazure.http import json_response


def register(app) -> None:
    sub = r"/subscriptions/(?P<subscription_id>[^/]+)"
    app.router.add("GET", r"/subscriptions", list_subscriptions)
    app.router.add("GET", sub, get_subscription)
    app.router.add("GET", sub + r"/locations", list_locations)
    app.router.add("GET", sub + r"/providers", list_providers)
    app.router.add("GET", sub + r"/providers/(?P<namespace>[^/]+)", get_provider)
    app.router.add("POST", sub + r"/providers/(?P<namespace>[^/]+)/(?P<verb>register|unregister)", register_provider)
    app.router.add("GET", r"/providers", list_tenant_providers)
    app.router.add("GET", r"/providers/(?P<namespace>[^/]+)", get_tenant_provider)


def subscription_body(subscription: dict) -> dict:
    return {
        "id": f"/subscriptions/{subscription['subscription_id']}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": subscription["subscription_id"],
        "tenantId": subscription["tenant_id"],
        "displayName": subscription["display_name"],
        "state": subscription["state"],
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def list_subscriptions(app, request):
    check_api_version(request)
    app.authorize(request, "Microsoft.Resources/subscriptions/read", "/")
    return json_response(
        {"value": [subscription_body(item) for item in app.store.subscriptions(request.principal.tenant_id)]}
    )


def get_subscription(app, request, subscription_id):
    check_api_version(request)
    subscription = app.resources.check_subscription(subscription_id, request.principal)
    app.authorize(request, "Microsoft.Resources/subscriptions/read", f"/subscriptions/{subscription_id}")
    return json_response(subscription_body(subscription))


def list_locations(app, request, subscription_id):
    check_api_version(request)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response(
        {
            "value": [
                {
                    "id": f"/subscriptions/{subscription_id}/locations/{name}",
                    "name": name,
                    "displayName": name,
                    "regionalDisplayName": name,
                    "type": "Region",
                    "metadata": {"regionType": "Physical"},
                }
                for name in app.locations
            ]
        }
    )


def provider_body(app, namespace: str, subscription_id: str | None) -> dict:
    types = app.registry.namespaces().get(namespace) or next(
        (value for key, value in app.registry.namespaces().items() if key.lower() == namespace.lower()), None
    )
    if types is None:
        raise INVALID_RESOURCE_NAMESPACE_404(f"The resource namespace '{namespace}' is invalid.")
    canonical = types[0].namespace
    state = app.store.provider_state(subscription_id, canonical) if subscription_id else None
    body = {
        "id": f"/subscriptions/{subscription_id}/providers/{canonical}"
        if subscription_id
        else f"/providers/{canonical}",
        "namespace": canonical,
        "resourceTypes": [
            {
                "resourceType": item.type_path,
                "locations": list(item.locations or app.locations),
                "apiVersions": sorted(item.api_versions, reverse=True),
                "defaultApiVersion": item.default_api_version,
                "capabilities": "None",
            }
            for item in types
        ],
    }
    if subscription_id:
        body["registrationState"] = state or "Registered"
        body["registrationPolicy"] = "RegistrationRequired"
    return body


def list_providers(app, request, subscription_id):
    check_api_version(request, PROVIDER_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response(
        {"value": [provider_body(app, namespace, subscription_id) for namespace in sorted(app.registry.namespaces())]}
    )


def get_provider(app, request, subscription_id, namespace):
    check_api_version(request, PROVIDER_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response(provider_body(app, namespace, subscription_id))


def register_provider(app, request, subscription_id, namespace, verb):
    check_api_version(request, PROVIDER_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    canonical = provider_body(app, namespace, subscription_id)["namespace"]
    app.authorize(request, f"{canonical}/{verb.lower()}/action", f"/subscriptions/{subscription_id}")
    app.store.set_provider_state(
        subscription_id, canonical, "Registered" if verb.lower() == "register" else "NotRegistered"
    )
    return json_response(provider_body(app, canonical, subscription_id))


def list_tenant_providers(app, request):
    check_api_version(request, PROVIDER_API_VERSIONS)
    return json_response(
        {"value": [provider_body(app, namespace, None) for namespace in sorted(app.registry.namespaces())]}
    )


def get_tenant_provider(app, request, namespace):
    check_api_version(request, PROVIDER_API_VERSIONS)
    return json_response(provider_body(app, namespace, None))
