"""An endpoint started with a seed file, for test modules that need more directory or subscriptions than the
default seed: ``yield from seeded_endpoint(tmp_path_factory, {...})`` in a module-scoped ``endpoint`` fixture."""

from __future__ import annotations

import json

from endpoint_process import start_endpoint, stop_endpoint_process


def seeded_endpoint(tmp_path_factory, seed: dict, *extra_args: str):
    seed_file = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_file.write_text(json.dumps(seed))
    running = start_endpoint(tmp_path_factory.mktemp("localazure"), "--seed", str(seed_file), *extra_args)
    yield running
    stop_endpoint_process(running.process.pid)
    running.process.wait(timeout=10)
