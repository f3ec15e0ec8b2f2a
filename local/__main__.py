"""`python -m local`: the whole platform on one port (see docs/local.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from local import GATEWAY_SWITCH_SECONDS, quick_thread_switches

ROOT = Path(__file__).resolve().parent.parent


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--site-dir", default=str(ROOT / "static-site" / "dist"))
    parser.add_argument(
        "--idle-timeout", type=float, default=float(os.environ.get("LOCAL_WS_IDLE_TIMEOUT", 600))
    )
    parser.add_argument(
        "--max-lifetime", type=float, default=float(os.environ.get("LOCAL_WS_MAX_LIFETIME", 7200))
    )
    parser.add_argument(
        "--schedule-speed",
        type=float,
        default=float(os.environ.get("LOCAL_SCHEDULE_SPEED", 1)),
        help="run @app.schedule functions this many times faster",
    )
    parser.add_argument("--no-seed", action="store_true", help="no demo data")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    port = args.port or _free_port(args.host)
    public_url = f"http://{args.host}:{port}"

    # AWS first: the app reads its settings (endpoints, pool) once, at import.
    from local.aws import DEMO_ACCOUNTS, app_environment, start_local_aws

    aws = start_local_aws(args.host)
    os.environ.update(app_environment(aws, public_url))
    sys.path.insert(0, str(ROOT))

    from aiohttp import web

    import app as chalice_module
    from chalicelib.models.base import open_connections
    from local.events import EventSourceProcess
    from local.gateway import LocalPlatform
    from local.lambdas import start_lambdas
    from local.scheduler import Scheduler
    from local.seed import seed_demo_data

    # Handlers run in threads here: their DynamoDB clients are made once, before any.
    open_connections()
    # The WebSocket Lambdas in processes of their own when LAMBDA_PROCESSES says so, as Lambda
    # runs them apart from API Gateway (local/lambdas.py); else in this process's pool.
    lambdas = start_lambdas()
    if not args.no_seed:
        seed_demo_data(aws)
    ws_url = public_url.replace("http://", "ws://", 1) + "/ws"
    platform = LocalPlatform(
        chalice_module.app,
        Path(args.site_dir),
        public_url,
        client_config={
            "apiBase": "/api",
            "wsUrl": ws_url,
            "cognito": {
                "endpoint": aws.endpoint,
                "region": "eu-west-3",
                "userPoolId": aws.user_pool_id,
                "clientId": aws.client_id,
            },
        },
        connect_src=f"{ws_url} {aws.endpoint}",
        img_src=aws.endpoint,  # presigned GETs of report photos (S3 in production)
        idle_timeout=args.idle_timeout,
        max_lifetime=args.max_lifetime,
        origin_secret=aws.secret_value("ORIGIN_SECRET_ID"),
        lambdas=lambdas,
    )
    scheduler = Scheduler(chalice_module.app, speed=args.schedule_speed)

    async def serve() -> None:
        # API Gateway takes request lines and headers up to 10 KB; aiohttp's 8 KB default
        # would answer a bare 400 to some requests API Gateway passes on.
        runner = web.AppRunner(
            platform.web, handle_signals=False, max_line_size=65536, max_field_size=65536
        )
        await runner.setup()
        site = web.TCPSite(runner, args.host, port)
        await site.start()
        scheduler.start()
        event_sources = EventSourceProcess()  # the fan-out, in its own process
        print_banner(public_url, ws_url, aws.endpoint, DEMO_ACCOUNTS)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        print("Arrêt de la plateforme locale…", flush=True)
        scheduler.stop()
        event_sources.stop()
        await runner.cleanup()

    try:
        quick_thread_switches(GATEWAY_SWITCH_SECONDS)
        asyncio.run(serve())
    finally:
        platform.close()
        aws.stop()
    return 0


def print_banner(public_url: str, ws_url: str, moto_url: str, accounts: tuple) -> None:  # type: ignore[type-arg]
    from local.aws import DEMO_TOTP_SECRET

    lines = [
        "",
        "moncommissariat — plateforme locale prête",
        f"  Site citoyen      {public_url}/",
        f"  Console policiers {public_url}/console/",
        f"  API HTTP          {public_url}/api/health",
        f"  API WebSocket     {ws_url}",
        f"  moto (AWS local)  {moto_url}",
        "",
        "Comptes de démonstration (mot de passe identique pour tous) :",
    ]
    for account in accounts:
        lines.append(
            f"  {account.username:<12} {account.password}  groupes: "
            f"{', '.join(account.groups)}  ({account.name})"
            + ("  double authentification" if account.mfa else "")
        )
    lines += [
        "",
        "Double authentification (officier4) : ajoutez la clé "
        f"{DEMO_TOTP_SECRET} à votre application d'authentification.",
        "",
        "Ctrl-C pour arrêter.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
