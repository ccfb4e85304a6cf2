"""``python -m integrations.servicetitan.simulator``: serve a seeded tenant over HTTP."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from integrations.servicetitan.simulator.app import Simulator
from integrations.servicetitan.simulator.config import SCALES, SimulatorConfig
from integrations.servicetitan.simulator.faults import FaultSpecError, parse_faults


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    defaults = SimulatorConfig()
    parser = argparse.ArgumentParser(
        prog="python -m integrations.servicetitan.simulator",
        description="Serve a simulated ServiceTitan tenant (token endpoint + v2 API).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--scale", choices=sorted(SCALES), default=defaults.scale)
    parser.add_argument("--tenant", type=int, default=defaults.tenant)
    parser.add_argument("--client-id", default=defaults.client_id)
    parser.add_argument("--client-secret", default=defaults.client_secret)
    parser.add_argument("--app-key", default=defaults.app_key)
    parser.add_argument("--token-ttl", type=int, default=defaults.token_ttl, help="seconds")
    parser.add_argument(
        "--rate-limit", type=int, default=defaults.rate_limit, help="requests/s; 0 = off"
    )
    parser.add_argument("--faults", default="", help='e.g. "429:0.05x3,500:0.02,latency:20ms"')
    parser.add_argument("--export-batch-size", type=int, default=defaults.export_batch_size)
    parser.add_argument("--imperfect-share", type=float, default=defaults.imperfect_share)
    parser.add_argument(
        "--scopes",
        default=None,
        help="comma-separated OAuth scopes granted to the app (default: every scope); "
        "other operations answer 403",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        parse_faults(args.faults)
    except FaultSpecError as error:
        print(f"invalid --faults: {error}", file=sys.stderr)
        return 2
    config = SimulatorConfig(
        seed=args.seed,
        scale=args.scale,
        tenant=args.tenant,
        client_id=args.client_id,
        client_secret=args.client_secret,
        app_key=args.app_key,
        token_ttl=args.token_ttl,
        rate_limit=args.rate_limit,
        faults=args.faults,
        export_batch_size=args.export_batch_size,
        imperfect_share=args.imperfect_share,
        scopes=None
        if args.scopes is None
        else frozenset(s.strip() for s in args.scopes.split(",") if s.strip()),
    )
    Simulator(config).serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
