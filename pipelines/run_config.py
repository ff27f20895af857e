"""``--config FILE``: the paths of a scheduled run in one file (``deploy/mentorship.toml``).

The cron line and the systemd service both run ``mentorship run --config
FILE``, so the inbox, warehouse and output are written down once. Keys::

    inbox = "/srv/mentorship/inbox"          # required unless --inbox is given
    warehouse = "/srv/mentorship/warehouse.duckdb"
    out = "/srv/mentorship/published"
    keep_runs = 30                           # published run folders kept
    target = "postgres"                      # where dbt builds (default duckdb)

Relative paths are relative to the file's folder. An option given on the
command line wins over the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputError
from pipelines.targets import TARGETS

KEYS = ("inbox", "warehouse", "out", "keep_runs", "target")


@dataclass(frozen=True)
class RunConfig:
    """The settings a config file gives (None: not given)."""

    inbox: Path | None = None
    warehouse: Path | None = None
    out: Path | None = None
    keep_runs: int | None = None
    target: str | None = None


def load_run_config(path: Path | None) -> RunConfig:
    """Read a config file; a missing file, bad TOML or unknown key is a one-line error."""
    if path is None:
        return RunConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"--config {path}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"--config {path}: cannot be read as TOML ({exc})") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError(
            f"--config {path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})"
        )
    base = Path(path).resolve().parent

    def _path(key: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise InputError(f"--config {path}: {key} must be a path (a string)")
        return base / Path(value).expanduser()

    keep = data.get("keep_runs")
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise InputError(f"--config {path}: keep_runs must be a whole number >= 1, not {keep!r}")
    target = data.get("target")
    if target is not None and target not in TARGETS:
        raise InputError(
            f"--config {path}: target must be one of {', '.join(TARGETS)}, not {target!r}"
        )
    return RunConfig(
        inbox=_path("inbox"),
        warehouse=_path("warehouse"),
        out=_path("out"),
        keep_runs=keep,
        target=target,
    )
