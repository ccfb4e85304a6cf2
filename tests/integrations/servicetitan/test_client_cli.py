"""The support command line, against the simulator served over HTTP."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from integrations.servicetitan.cli import main
from integrations.servicetitan.simulator import Simulator, run_in_thread

from .conftest import APP_KEY, CLIENT_ID, CLIENT_SECRET, TENANT, make_simulator

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Simulator, dict[str, str]]]:
    sim = make_simulator(export_batch_size=50)
    with run_in_thread(sim) as base_url:
        yield (
            sim,
            {
                "SERVICETITAN_BASE_URL": base_url,
                "SERVICETITAN_TENANT": str(TENANT),
                "SERVICETITAN_APP_KEY": APP_KEY,
                "SERVICETITAN_CLIENT_ID": CLIENT_ID,
                "SERVICETITAN_CLIENT_SECRET": CLIENT_SECRET,
            },
        )


def run(env: dict[str, str], *argv: str) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=env, out=out, err=err)
    text = out.getvalue()
    return code, orjson.loads(text) if text.strip().startswith(("{", "[")) else text, err.getvalue()


def test_list_one_page_and_all_pages(served: tuple[Simulator, dict[str, str]]) -> None:
    sim, env = served
    code, page, _ = run(env, "list", "jpm", "jobs", "--page-size", "5", "--page", "2")
    assert code == 0 and page["page"] == 2 and len(page["data"]) == 5
    code, rows, _ = run(
        env, "list", "jpm", "jobs", "--param", "jobStatus=Completed", "--all", "--page-size", "40"
    )
    assert code == 0 and rows and {r["jobStatus"] for r in rows} == {"Completed"}


def test_get_one_record(served: tuple[Simulator, dict[str, str]]) -> None:
    _, env = served
    code, job, _ = run(env, "get", "jpm", "jobs", "41000001")
    assert code == 0 and job["id"] == 41000001


def test_export_prints_rows_and_the_token(served: tuple[Simulator, dict[str, str]]) -> None:
    _, env = served
    code, result, _ = run(env, "export", "jpm", "jobs", "--from", "2000-01-01", "--max-pages", "2")
    assert code == 0 and len(result["data"]) == 100
    assert result["hasMore"] is True and result["continueFrom"]
    code, rest, _ = run(env, "export", "jpm", "jobs", "--from", result["continueFrom"])
    assert len(rest["data"]) == 100 and rest["hasMore"] is False


def test_raw_patch_and_errors(served: tuple[Simulator, dict[str, str]]) -> None:
    _, env = served
    code, job, _ = run(
        env, "raw", "PATCH", "jpm", "/jobs/41000002", "--json", '{"summary": "via CLI"}'
    )
    assert code == 0 and job["summary"] == "via CLI"
    code, _, err = run(env, "get", "jpm", "jobs", "1")
    error = orjson.loads(err)
    assert code == 1 and error["error"] == "NotFoundError" and error["status"] == 404
    assert CLIENT_SECRET not in err


def test_raw_root_path_and_debug_output_is_redacted(
    served: tuple[Simulator, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, env = served
    code, page, err = run(env, "--debug", "raw", "GET", "-", "/settings/v2/tenant/1000/technicians")
    captured = capsys.readouterr()
    assert code == 0 and page["data"]
    logs = err + captured.err
    assert "GET " in logs and CLIENT_SECRET not in logs and APP_KEY not in logs


def test_missing_settings_are_a_usage_error() -> None:
    code, _, err = run({}, "list", "jpm", "jobs")
    assert code == 2 and "SERVICETITAN_TENANT" in err


def test_module_entry_point(served: tuple[Simulator, dict[str, str]]) -> None:
    _, env = served
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "integrations.servicetitan",
            "get",
            "settings",
            "business-units",
            "1001",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout)["id"] == 1001
