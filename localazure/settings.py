"""Start-up settings: defaults, then a JSON config file, then command-line flags."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

DEFAULT_PORT = 8443


@dataclass
class ThrottlingSettings:
    """Azure Resource Manager's token buckets (per principal by default, or per subscription)."""

    enabled: bool = True
    scope: str = "principal"  # "principal" | "subscription"
    write_capacity: float = 200
    write_refill_per_second: float = 10
    read_capacity: float = 250
    read_refill_per_second: float = 25


@dataclass
class LongRunningSettings:
    """How long-running operations progress: each poll, or each ``step_seconds``, moves one state on."""

    retry_after_seconds: int = 1  # whole seconds, as Azure sends them
    steps: int = 2  # Accepted -> Running -> terminal
    step_seconds: float = 1.0


@dataclass
class Settings:
    state_dir: Path = Path(".localazure")
    port: int = DEFAULT_PORT
    seed_file: Path | None = None
    throttling: ThrottlingSettings = field(default_factory=ThrottlingSettings)
    long_running: LongRunningSettings = field(default_factory=LongRunningSettings)
    faults: list[dict] = field(default_factory=list)  # see middleware/faults.py for the rule shape
    latency: list[dict] = field(default_factory=list)
    provisioning_failures: list[dict] = field(default_factory=list)
    token_lifetime_seconds: int = 3599

    def public_dict(self) -> dict:
        result = asdict(self)
        result["state_dir"] = str(self.state_dir)
        result["seed_file"] = str(self.seed_file) if self.seed_file else None
        return result


def _update_dataclass(target, values: dict, where: str) -> None:
    known = {item.name for item in fields(target)}
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"{where}: unknown setting '{name}' (known: {', '.join(sorted(known))})")
        setattr(target, name, value)


def apply_config(settings: Settings, config: dict) -> Settings:
    for section, cls_field in (("throttling", settings.throttling), ("long_running", settings.long_running)):
        if section in config:
            _update_dataclass(cls_field, config[section], section)
    for name in ("faults", "latency", "provisioning_failures"):
        if name in config:
            setattr(settings, name, list(config[name]))
    if "token_lifetime_seconds" in config:
        settings.token_lifetime_seconds = int(config["token_lifetime_seconds"])
    unknown = set(config) - {
        "throttling",
        "long_running",
        "faults",
        "latency",
        "provisioning_failures",
        "token_lifetime_seconds",
    }
    if unknown:
        raise ValueError(f"config: unknown keys {sorted(unknown)}")
    return settings


def load_config_file(settings: Settings, path: Path) -> Settings:
    return apply_config(settings, json.loads(Path(path).read_text()))
