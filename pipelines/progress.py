"""How ``mentorship run`` shows progress: a rich display on a terminal, plain lines for cron.

Both reporters are called from dbt's worker threads (every node's result is
a step), so both serialise every call with one lock; and neither is trusted
not to fail: the dbt callback catches whatever they raise
(``pipelines/transform/dbt_runner.py``). User data (paths, messages naming
files and values) is printed as text, never read as rich markup.
"""

from __future__ import annotations

import re
import sys
import threading
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

#: "N of M STATUS ...": dbt's per-node lines and the loader's per-source lines.
COUNTED = re.compile(r"^(\d+) of (\d+) (\S+)")
#: Counted lines that are still printed (a failure is never hidden by a bar).
SHOWN_STATUSES = frozenset({"ERROR", "FAIL", "WARN", "SKIP"})


def _shown(status: str) -> bool:
    return status.upper() in SHOWN_STATUSES


class RichReporter:
    """Stages as rules, steps as lines, warnings in yellow, counted steps as a bar.

    Steps that say "N of M ..." (sources loaded, dbt's ~300 per-node lines)
    drive a progress bar instead of printing; failures are still printed.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self._lock = threading.RLock()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._stage = ""

    def _close_bar(self) -> None:
        if self._progress is not None:
            progress, self._progress, self._task = self._progress, None, None
            progress.stop()

    def stage(self, name: str) -> None:
        with self._lock:
            self._close_bar()
            self._stage = name
            self.console.rule(Text(name, style="bold"))

    def step(self, message: str) -> None:
        with self._lock:
            counted = COUNTED.match(message)
            if counted is None:
                self._close_bar()
                self.console.print(Text(f"  {message}"), highlight=False, soft_wrap=True)
                return
            done, total, status = int(counted[1]), int(counted[2]), counted[3]
            if self._progress is None:
                progress = Progress(
                    TextColumn(f"  {self._stage}", markup=False),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=self.console,
                    transient=True,
                )
                progress.start()
                self._progress = progress
                self._task = progress.add_task(self._stage, total=total)
            assert self._task is not None
            self._progress.update(self._task, completed=done, total=total)
            if _shown(status):
                self._progress.console.print(Text(f"  {message}"), highlight=False, soft_wrap=True)

    def warn(self, message: str) -> None:
        with self._lock:
            self._close_bar()
            self.console.print(
                Text.assemble("  ", ("warning:", "yellow"), " ", message),
                highlight=False,
                soft_wrap=True,
            )

    def close(self) -> None:
        """Stop the bar if one is showing."""
        with self._lock:
            self._close_bar()


class LineReporter:
    """Plain timestamped lines for cron and logs: no bar, no colour, no wrapping.

    Passing "N of M" lines are left out (run.log keeps them all); failures,
    warnings, stages and every other step are written and flushed at once.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        """One timestamped line, flushed at once."""
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(f"{datetime.now():%H:%M:%S} {text}\n")
            stream.flush()

    def stage(self, name: str) -> None:
        self.line(f"== {name}")

    def step(self, message: str) -> None:
        counted = COUNTED.match(message)
        if counted is None or _shown(counted[3]):
            self.line(f"   {message}")

    def warn(self, message: str) -> None:
        self.line(f"   warning: {message}")

    def close(self) -> None:
        """Nothing to stop."""
