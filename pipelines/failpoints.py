"""Named points where the crash tests stop a real run (``kill -9`` or a freeze).

The crash and concurrency tests start ``mentorship run`` as a real process
with ``MENTORSHIP_FAILPOINT=<point>[@<n>][:<action>]`` in its environment. When
the run reaches ``<point>`` for the ``n``-th time (default 1) it does
``<action>`` to itself:

- ``kill`` (default): ``SIGKILL``, exactly what ``kill -9`` does: no cleanup,
  no ``finally``, no flush;
- ``stop``: ``SIGSTOP``, the process freezes holding whatever it holds (the
  tests use it to start a second run against a run in progress).

Without the variable a failpoint is one dictionary lookup. The points, in
run order, are listed in :data:`POINTS`; tests check that each is reached.
"""

from __future__ import annotations

import os
import signal
import threading

ENV_VAR = "MENTORSHIP_FAILPOINT"

#: Every failpoint of a run, in the order a run reaches them.
POINTS = (
    "ingest.source",  # after a source file is loaded (n counts the sources)
    "stage.check_sources",
    "dbt.node",  # after a dbt node finished (n counts the nodes), in dbt's worker thread
    "stage.check_marts",
    "stage.report",
    "publish.before_swap",  # every stage passed, the audit record is in the new warehouse
    "publish.warehouse_swapped",  # the new warehouse is in place, the publication not yet
    "publish.renamed",  # <out> points at the run folder, manifest and journal not yet final
)

_counts: dict[str, int] = {}
_lock = threading.Lock()


def _spec() -> tuple[str, int, str] | None:
    raw = os.environ.get(ENV_VAR)
    if not raw:
        return None
    point, _, action = raw.partition(":")
    name, _, nth = point.partition("@")
    return name, int(nth or 1), action or "kill"


def failpoint(name: str) -> None:
    """Stop this process here if ``MENTORSHIP_FAILPOINT`` names ``name`` (see module doc)."""
    spec = _spec()
    if spec is None or spec[0] != name:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        reached = _counts[name] == spec[1]
    if not reached:
        return
    if spec[2] == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
    else:
        os.kill(os.getpid(), signal.SIGKILL)
