"""``python -m localazure serve|wait|status|stop --state-dir DIR``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.request
from pathlib import Path

from localazure.settings import DEFAULT_PORT, Settings, load_config_file

PID_FILE = "localazure.pid"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m localazure", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the endpoint in the foreground")
    serve.add_argument("--state-dir", default=".localazure", type=Path)
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"HTTPS port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free port, written to connection.json)",
    )
    serve.add_argument("--seed", type=Path, help="seed file (JSON or YAML) adding principals, subscriptions, resources")
    serve.add_argument("--config", type=Path, help="JSON settings: throttling, long_running, faults, latency, ...")
    serve.add_argument("--no-throttling", action="store_true")
    serve.add_argument("--throttle-scope", choices=("principal", "subscription"))
    for kind in ("read", "write"):
        serve.add_argument(f"--{kind}-capacity", type=float)
        serve.add_argument(f"--{kind}-refill", type=float, help="tokens per second")
    serve.add_argument("--lro-retry-after", type=int, help="Retry-After (whole seconds) of long-running operations")
    serve.add_argument("--lro-step-seconds", type=float, help="seconds per long-running state step")
    for name in ("wait", "status", "stop"):
        command = commands.add_parser(name)
        command.add_argument("--state-dir", default=".localazure", type=Path)
        if name == "wait":
            command.add_argument("--timeout", type=float, default=10)
    return parser


def _settings(args) -> Settings:
    settings = Settings(state_dir=args.state_dir, port=args.port, seed_file=args.seed)
    if args.config:
        load_config_file(settings, args.config)
    throttling, long_running = settings.throttling, settings.long_running
    if args.no_throttling:
        throttling.enabled = False
    if args.throttle_scope:
        throttling.scope = args.throttle_scope
    for attribute, value in (
        ("read_capacity", args.read_capacity),
        ("read_refill_per_second", args.read_refill),
        ("write_capacity", args.write_capacity),
        ("write_refill_per_second", args.write_refill),
    ):
        if value is not None:
            setattr(throttling, attribute, value)
    if args.lro_retry_after is not None:
        long_running.retry_after_seconds = args.lro_retry_after
    if args.lro_step_seconds is not None:
        long_running.step_seconds = args.lro_step_seconds
    return settings


def serve(args) -> int:
    # The endpoint imports azure-ai-ml's model classes to validate ML bodies. A client's MLClient records its custom
    # cloud in AZUREML_CURRENT_CLOUD, and azure-ai-ml fails on import when that cloud is unknown to this process; the
    # endpoint is not an Azure ML client, so it drops the variable.
    os.environ.pop("AZUREML_CURRENT_CLOUD", None)
    # The state dir holds client secrets, keys and the admin secret: everything the endpoint creates there is its
    # owner's only (0700 directories, 0600 files, SQLite's -wal and -shm files included).
    os.umask(0o077)
    from localazure import seed, tls  # noqa: PLC0415 - keep wait/stop light
    from localazure.app import App  # noqa: PLC0415
    from localazure.server import Server  # noqa: PLC0415
    from localazure.store import StateFileError  # noqa: PLC0415

    settings = _settings(args)
    state_dir = Path(settings.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / seed.CONNECTION_FILE).unlink(missing_ok=True)  # readiness is its reappearance
    server = Server(settings.port, tls.server_context(state_dir))
    try:
        app = App(settings, f"https://127.0.0.1:{server.port}")
    except StateFileError as error:
        server.server_close()
        print(f"localazure: {error}", file=sys.stderr)
        return 2
    seed.apply_seed(app, seed.load_seed_file(settings.seed_file))
    server.app = app
    pid_path = state_dir / PID_FILE
    pid_path.write_text(f"{os.getpid()}\n")
    app.start_background()

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    seed.write_connection_file(app)
    print(f"localazure: serving {app.arm_endpoint} (state {state_dir.resolve()}, pid {os.getpid()})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        app.stop_background()
        server.server_close()
        if pid_path.exists() and pid_path.read_text().strip() == str(os.getpid()):
            pid_path.unlink()
    return 0


def _running_pid(state_dir: Path) -> int | None:
    try:
        pid = int((state_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def _answers(state_dir: Path) -> bool:
    try:
        connection = json.loads((state_dir / "connection.json").read_text())
        context = ssl.create_default_context(cafile=connection["ca_bundle"])
        url = f"{connection['arm_endpoint']}/metadata/endpoints?api-version=2019-05-01"
        with urllib.request.urlopen(url, context=context, timeout=2) as response:  # noqa: S310 - https to itself
            return response.status == 200
    except (OSError, ValueError, KeyError):
        return False


def status(args) -> int:
    pid = _running_pid(args.state_dir)
    if pid and _answers(args.state_dir):
        print(f"localazure: running, pid {pid}")
        return 0
    print("localazure: not running")
    return 1


def wait(args) -> int:
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if _running_pid(args.state_dir) and _answers(args.state_dir):
            print(f"localazure: ready ({json.loads((args.state_dir / 'connection.json').read_text())['arm_endpoint']})")
            return 0
        time.sleep(0.05)
    print(f"localazure: not ready after {args.timeout} s; see {args.state_dir / 'server.log'}", file=sys.stderr)
    return 1


def stop(args) -> int:
    pid = _running_pid(args.state_dir)
    if pid is None:
        print("localazure: not running")
        (args.state_dir / PID_FILE).unlink(missing_ok=True)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _running_pid(args.state_dir) is None:
            print(f"localazure: stopped pid {pid}")
            return 0
        time.sleep(0.05)
    print(f"localazure: pid {pid} did not stop within 10 s", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return {"serve": serve, "wait": wait, "status": status, "stop": stop}[args.command](args)
