"""Command line for support staff: look at a tenant's ServiceTitan data as JSON.

Connection from the environment: ``SERVICETITAN_ENV`` (production | integration) or
``SERVICETITAN_BASE_URL`` (+ optional ``SERVICETITAN_AUTH_URL``), and ``SERVICETITAN_TENANT``,
``SERVICETITAN_APP_KEY``, ``SERVICETITAN_CLIENT_ID``, ``SERVICETITAN_CLIENT_SECRET``.

Examples::

    python -m integrations.servicetitan list jpm jobs --param jobStatus=Completed --all
    python -m integrations.servicetitan get jpm jobs 123
    python -m integrations.servicetitan export jpm jobs --from 2024-01-01 --max-pages 2
    python -m integrations.servicetitan raw PATCH jpm /jobs/123 --json '{"summary": "x"}'
    python -m integrations.servicetitan raw GET - /telecom/v3/tenant/123/calls

Output is JSON on stdout; errors go to stderr with exit status 1 (2 for usage errors).
Credentials are never printed, also not with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from .client import ServiceTitanClient
from .config import ClientOptions, Connection
from .endpoints import QueryValue
from .errors import ServiceTitanError
from .session import FileSpec

__all__ = ["build_parser", "main"]


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m integrations.servicetitan",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Connection settings come from SERVICETITAN_* environment variables.",
    )
    parser.add_argument("--debug", action="store_true", help="log requests (redacted) to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--param",
            "-p",
            action="append",
            type=_pair,
            default=[],
            metavar="NAME=VALUE",
            help="query parameter (repeatable)",
        )

    listing = commands.add_parser("list", help="one page, or every page with --all")
    listing.add_argument("module", help="URL module: crm, jpm, accounting, settings, ...")
    listing.add_argument("resource", help="path under the tenant, e.g. jobs or customers/contacts")
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--page-size", type=int, default=None)
    listing.add_argument("--all", action="store_true", help="walk every page, print all rows")
    listing.add_argument("--max-pages", type=int, default=None)
    common(listing)

    get = commands.add_parser("get", help="one record by id")
    get.add_argument("module")
    get.add_argument("resource")
    get.add_argument("id")
    common(get)

    export = commands.add_parser("export", help="an export feed from a token or a date")
    export.add_argument("module")
    export.add_argument("resource", help="e.g. jobs, invoice-items, customers/contacts")
    export.add_argument("--from", dest="from_", default=None, help="continueFrom token or date")
    export.add_argument("--max-pages", type=int, default=None)
    export.add_argument("--include-recent-changes", action="store_true")

    raw = commands.add_parser("raw", help="any request")
    raw.add_argument("method")
    raw.add_argument("module", help="URL module, or - for a path from the API root")
    raw.add_argument("path")
    body = raw.add_mutually_exclusive_group()
    body.add_argument("--json", dest="json_body", default=None, help="JSON request body")
    body.add_argument(
        "--data", action="append", type=_pair, default=[], metavar="NAME=VALUE", help="form field"
    )
    raw.add_argument(
        "--file",
        action="append",
        type=_pair,
        default=[],
        metavar="FIELD=PATH",
        help="multipart file (repeatable)",
    )
    raw.add_argument("--output", choices=("json", "text", "bytes"), default="json")
    raw.add_argument(
        "--idempotent",
        action="store_true",
        help="allow retrying this request even if it is a POST",
    )
    common(raw)
    return parser


def _params(pairs: Sequence[tuple[str, str]]) -> dict[str, QueryValue]:
    return dict(pairs)


def _print(value: Any, out: IO[str]) -> None:
    out.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())
    out.write("\n")


def run(args: argparse.Namespace, client: ServiceTitanClient, out: IO[str]) -> int:
    if args.command == "list":
        path = "/" + args.resource.strip("/")
        if args.all:
            pages = client.list_pages(
                args.module,
                path,
                page_size=args.page_size,
                max_pages=args.max_pages,
                params=_params(args.param),
            )
            _print([row for page in pages for row in page.data], out)
            return 0
        params = {**_params(args.param), "page": args.page, "pageSize": args.page_size or 50}
        _print(client.request("GET", path, module=args.module, params=params), out)
        return 0
    if args.command == "get":
        path = f"/{args.resource.strip('/')}/{args.id}"
        _print(client.request("GET", path, module=args.module, params=_params(args.param)), out)
        return 0
    if args.command == "export":
        rows = client.export(
            args.module,
            args.resource,
            from_=args.from_,
            include_recent_changes=args.include_recent_changes,
            max_pages=args.max_pages,
        )
        data = list(rows)
        _print({"data": data, "continueFrom": rows.continue_from, "hasMore": rows.has_more}, out)
        return 0
    return _raw(args, client, out)


def _raw(args: argparse.Namespace, client: ServiceTitanClient, out: IO[str]) -> int:
    module = None if args.module == "-" else args.module
    files: dict[str, FileSpec] = {
        field: (Path(path).name, Path(path).read_bytes()) for field, path in args.file
    }
    kwargs: dict[str, Any] = {
        "module": module,
        "params": _params(args.param),
        "data": dict(args.data) or None,
        "files": files or None,
        "idempotent": True if args.idempotent else None,
    }
    if args.json_body is not None:
        kwargs["json"] = orjson.loads(args.json_body)
    if args.output == "json":
        _print(client.request(args.method, args.path, **kwargs), out)
    elif args.output == "text":
        out.write(client.request(args.method, args.path, response="text", **kwargs) + "\n")
    else:
        content = client.request(args.method, args.path, response="bytes", **kwargs)
        if out is sys.stdout:
            sys.stdout.buffer.write(content)
        else:  # a text stream (tests): hex keeps it printable
            out.write(content.hex() + "\n")
    return 0


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    args = build_parser().parse_args(argv)
    logger = logging.getLogger("integrations.servicetitan")
    handler = logging.StreamHandler(stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous_level = logger.level
    if args.debug:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        return _connect_and_run(args, environ, stdout, stderr)
    finally:
        if args.debug:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)


def _connect_and_run(
    args: argparse.Namespace, environ: Mapping[str, str] | None, stdout: IO[str], stderr: IO[str]
) -> int:
    try:
        connection = Connection.from_env(environ)
    except ValueError as exc:
        stderr.write(f"error: {exc}\n")
        return 2
    with ServiceTitanClient(connection, ClientOptions(debug=args.debug)) as client:
        try:
            return run(args, client, stdout)
        except ServiceTitanError as exc:
            detail: dict[str, Any] = {
                "error": type(exc).__name__,
                "message": str(exc),
                "status": exc.status,
            }
            if exc.errors:
                detail["errors"] = exc.errors
            if exc.trace_id:
                detail["traceId"] = exc.trace_id
            stderr.write(orjson.dumps(detail).decode() + "\n")
            return 1
