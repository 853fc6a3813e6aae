"""Secure parameter values: finding the values supplied for secure parameters and masking them."""

from __future__ import annotations

from .functions.conversions import to_json_text
from .parameters import is_secure
from .values import UnknownValue

REDACTED = "*****"


def supplied_secrets(template: dict, values: dict) -> list:
    declared = template.get("parameters") if isinstance(template, dict) else None
    if not isinstance(declared, dict):
        return []
    secure = {
        name.lower()
        for name, declaration in declared.items()
        if isinstance(declaration, dict) and is_secure(declaration)
    }
    return [value for name, value in values.items() if name.lower() in secure]


def secret_texts(secrets: list) -> list[str]:
    texts: set[str] = set()

    def collect(value):
        if isinstance(value, str):
            if value:
                texts.add(value)
        elif isinstance(value, dict):
            texts.add(to_json_text(value))
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            texts.add(to_json_text(value))
            for item in value:
                collect(item)
        elif value is not None and not isinstance(value, (bool, UnknownValue)):
            texts.add(str(value))

    for secret in secrets:
        collect(secret)
    return sorted(texts, key=len, reverse=True)


def scrub(value, texts: list[str]):
    if not texts:
        return value
    if isinstance(value, str):
        for text in texts:
            if text in value:
                value = value.replace(text, REDACTED)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, texts) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and str(value) in texts:
        return REDACTED
    return value
