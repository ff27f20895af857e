"""The benchmark's child: ``mentorship`` in this process, then its peak memory to a file.

``python -m pipelines.bench_child PEAK_FILE ARGS...`` runs the CLI with ARGS
and writes the process's peak resident memory (KiB, from the OS) to PEAK_FILE,
whatever the outcome; it exits with the command's exit code.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def main() -> None:
    from pipelines.cli import app

    peak_file, cli_args = Path(sys.argv[1]), sys.argv[2:]
    try:
        code = app(cli_args, standalone_mode=False)
    finally:
        peak_file.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    if code:  # the run's exit code (typer.Exit is returned, not raised, here)
        sys.exit(int(code))


if __name__ == "__main__":
    main()
