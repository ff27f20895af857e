"""deploy/: the cron line, the systemd units and the config file agree with the CLI."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from pipelines.errors import ExitCode
from pipelines.run_config import KEYS, load_run_config

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
COMMAND = "/opt/mentorship/.venv/bin/mentorship run --config /etc/mentorship/mentorship.toml"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def test_the_config_file_gives_every_path_once_and_loads() -> None:
    config = load_run_config(DEPLOY / "mentorship.toml")
    assert config.inbox == Path("/srv/mentorship/inbox")
    assert config.warehouse == Path("/srv/mentorship/warehouse.duckdb")
    assert config.out == Path("/srv/mentorship/published")
    assert config.keep_runs == 30
    assert config.target == "duckdb"
    keys = re.findall(r"^(\w+) =", (DEPLOY / "mentorship.toml").read_text(), re.MULTILINE)
    assert sorted(keys) == sorted(KEYS)


def test_the_cron_line_runs_the_config_file_nightly_with_output_to_a_log() -> None:
    (line,) = [
        line
        for line in (DEPLOY / "mentorship.cron").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    fields = line.split(maxsplit=5)
    assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    assert fields[5].startswith(COMMAND + " >> ") and fields[5].endswith(" 2>&1")


def test_the_systemd_service_runs_the_same_command_as_an_unprivileged_user() -> None:
    service = _unit("mentorship.service")["Service"]
    assert service["ExecStart"] == COMMAND
    assert service["User"] not in ("", "root") and service["Type"] == "oneshot"
    assert service["UMask"] == "0077"
    assert service["SuccessExitStatus"] == str(int(ExitCode.IN_PROGRESS))
    assert service["ReadWritePaths"] == "/srv/mentorship"
    timer = _unit("mentorship.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
