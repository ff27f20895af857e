"""A throwaway PostgreSQL server, for the tests and the benchmark (issue 14).

Debian's ``postgresql`` package (``make postgres``, which ``make test`` runs,
installs it when missing). The server gets a fresh data folder, listens on
127.0.0.1 on a free port with fsync off, and is stopped at the end of the
session. As root (CI), ``initdb`` and ``pg_ctl`` run as the ``postgres`` user
through ``runuser``, since PostgreSQL refuses to run as root. A server given
through ``MENTORSHIP_PG_HOST`` (and ``_PORT``, ``_USER``, ``_PASSWORD``,
``_DBNAME``) is used instead, as is.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VARIABLES = ("HOST", "PORT", "USER", "PASSWORD", "DBNAME")


def binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server binaries (the newest version), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server(settings: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Yield the MENTORSHIP_PG_* settings of a running server with an empty database.

    ``settings`` are extra server settings (``work_mem``, ``shared_buffers``...),
    as the benchmark gives a server sized for a million employees.
    """
    if os.environ.get("MENTORSHIP_PG_HOST"):
        yield {f"MENTORSHIP_PG_{v}": os.environ.get(f"MENTORSHIP_PG_{v}", "") for v in VARIABLES}
        return
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (make postgres installs it)")
    root = Path(tempfile.mkdtemp(prefix="mentorship-pg-"))
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(root, "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    data, port = root / "data", _free_port()

    def pg(*args: str) -> None:
        subprocess.run(
            prefix + [str(bin_dir / args[0]), *args[1:]], check=True, capture_output=True
        )

    pg("initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off "
        f"-c synchronous_commit=off -c unix_socket_directories={root}"
    ) + "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
    pg("pg_ctl", "-D", str(data), "-l", str(root / "log"), "-w", "start", "-o", options)
    try:
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "mentorship")
        yield {
            "MENTORSHIP_PG_HOST": "127.0.0.1",
            "MENTORSHIP_PG_PORT": str(port),
            "MENTORSHIP_PG_USER": "postgres",
            "MENTORSHIP_PG_PASSWORD": "",
            "MENTORSHIP_PG_DBNAME": "mentorship",
        }
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
