"""Build the run's reports: four HTML files and the leadership PDF.

``build_reports`` needs only a warehouse, a run folder and a manifest dict
(``manifest.json``'s shape): the reports never see the run itself. The
nightly run calls it from its report stage (``pipelines/stages/report.py``);
tests and notebooks call it directly.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import PipelineError
from reports import data_quality, program_impact, program_operations, queries, workforce
from reports.page import RunInfo, run_info_from_manifest
from reports.pdf import BackgroundPrinter, PdfError, PlaywrightMissing

#: Output name (the key in ``manifest.json``'s ``outputs``) -> file in the run folder.
HTML_FILES = {
    "program_impact": "program_impact.html",
    "program_operations": "program_operations.html",
    "workforce": "workforce.html",
    "data_quality": "data_quality.html",
}
PDF_FILE = "program_impact.pdf"
#: Where the leadership report made ahead waits in the run folder (``LeadershipAhead``).
AHEAD_FOLDER = ".leadership-ahead"


class ReportError(PipelineError):
    """The warehouse does not hold the run the manifest describes."""


@dataclass
class BuildResult:
    """What ``build_reports`` wrote, how long each part took, and what went wrong."""

    outputs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class LeadershipAhead:
    """The leadership report and its PDF, made while the run's last checks run.

    The report's figures come from the marts alone, which are final once
    the transform has built them; its header (run, inputs, warnings) comes
    from the manifest so far. :meth:`start` builds it in a thread, through a
    connection from ``connect`` (called in that thread), and hands it to a
    Chromium printer, so the PDF, the slowest part of the reports, is printed
    beside the checks. :func:`build_reports` takes it when the final manifest
    gives the same header (a night whose checks added no warning) and builds
    it again otherwise. Both files wait in a folder of the run folder
    (``AHEAD_FOLDER``) until taken; :meth:`close` removes it, so a night that
    fails keeps no report.
    """

    def __init__(
        self,
        run_dir: Path,
        manifest: dict[str, Any],
        connect: Callable[[], duckdb.DuckDBPyConnection],
        pdf: bool = True,
    ) -> None:
        self.folder = Path(run_dir) / AHEAD_FOLDER
        self.run = run_info_from_manifest(manifest)
        self._connect = connect
        self._pdf = pdf
        self.printer: BackgroundPrinter | None = None
        self.html: Path | None = None
        self.seconds = 0.0
        self._thread: threading.Thread | None = None

    def start(self) -> LeadershipAhead:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._pdf:
            self.printer = BackgroundPrinter(self.folder / PDF_FILE).start()
        self._thread = threading.Thread(target=self._build, name="leadership ahead", daemon=True)
        self._thread.start()
        return self

    def _build(self) -> None:
        t0 = time.perf_counter()
        try:
            html = program_impact.build(self._connect(), self.run)
            path = self.folder / HTML_FILES["program_impact"]
            path.write_text(html, encoding="utf-8")
        except Exception:  # noqa: BLE001 - build_reports builds it again and says why
            return
        finally:
            self.seconds = time.perf_counter() - t0
        self.html = path
        if self.printer is not None:
            self.printer.print(path)

    def take(self, run: RunInfo) -> bool:
        """Wait for the build; True when it holds the report of ``run`` (else it is closed)."""
        if self._thread is not None:
            self._thread.join()
        if self.html is not None and run == self.run:
            return True
        self.close()
        return False

    def close(self) -> None:
        """Stop the printer and remove what was made (the run stopped, or the header changed)."""
        if self._thread is not None:
            self._thread.join()
        if self.printer is not None:
            self.printer.close()
            self.printer = None
        self.html = None
        shutil.rmtree(self.folder, ignore_errors=True)


def _check_consistent(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    """Refuse to mix runs: the raw schema and the marts must be the manifest's run."""
    run_ids = queries.raw_run_ids(con)
    if run_ids != [manifest["run_id"]]:
        raise ReportError(
            f"the warehouse's raw schema holds run(s) {run_ids}, not {manifest['run_id']}"
        )
    as_of = queries.as_of_date(con)
    if as_of is None or as_of.isoformat() != str(manifest["as_of"]):
        raise ReportError(f"the marts were built for {as_of}, not {manifest['as_of']}")


def build_reports(
    warehouse: Path,
    run_dir: Path,
    manifest: dict[str, Any],
    pdf: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
    ahead: LeadershipAhead | None = None,
) -> BuildResult:
    """Write the four reports (and, when ``pdf``, the leadership PDF) into ``run_dir``.

    ``manifest`` is the run's manifest so far: ``run_id``, ``as_of``,
    ``sources`` (with ``sha256``), ``warnings`` and ``checks`` at least.
    A PDF that cannot be printed (no Chromium here) is a warning, not a failure:
    the HTML reports are the publication, the PDF a convenience for e-mail.
    Without playwright (an install without the ``pdf`` extra) the warning
    says the PDF was skipped and how to get it. ``con``, when given, is an open
    connection to ``warehouse`` to read through (the nightly run's own);
    otherwise the warehouse is opened read-only. ``ahead``, when given, is
    the leadership report made during the checks (:class:`LeadershipAhead`),
    used when its header is this manifest's.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult()
    run = run_info_from_manifest(manifest)
    if ahead is not None and not (ahead.take(run) and (ahead.printer is not None) == pdf):
        ahead.close()
        ahead = None
    printer = ahead.printer if ahead is not None else None
    # Chromium starts now and prints the leadership report as soon as it is
    # written, while the other reports are built (the PDF takes the longest).
    if pdf and printer is None:
        printer = BackgroundPrinter(run_dir / PDF_FILE).start()
    pdf_started = time.perf_counter()
    own = con is None
    if con is None:
        con = duckdb.connect(str(warehouse), read_only=True)
    try:
        _check_consistent(con, manifest)
        builders = {
            "program_impact": lambda: program_impact.build(con, run),
            "program_operations": lambda: program_operations.build(con, run),
            "workforce": lambda: workforce.build(con, run),
            "data_quality": lambda: data_quality.build(con, run, manifest, run_dir),
        }
        for name, builder in builders.items():
            t0 = time.perf_counter()
            path = run_dir / HTML_FILES[name]
            if name == "program_impact" and ahead is not None and ahead.html:
                # a copy: Chromium may still be reading it
                shutil.copyfile(ahead.html, path)
                result.seconds[name] = ahead.seconds
            else:
                path.write_text(builder(), encoding="utf-8")
                result.seconds[name] = time.perf_counter() - t0
                if printer is not None and name == "program_impact":
                    printer.print(path)
            result.outputs[name] = HTML_FILES[name]
            result.bytes[name] = path.stat().st_size
    finally:
        if own:
            con.close()
        if printer is not None:
            printer.print(None)  # no-op once the report was handed over
    if printer is not None:
        try:
            printed = printer.result()
        except PdfError as exc:
            outcome = "skipped" if isinstance(exc, PlaywrightMissing) else "not produced"
            result.warnings.append(f"{PDF_FILE} was {outcome}: {exc}")
        else:
            if printed != run_dir / PDF_FILE:
                os.replace(printed, run_dir / PDF_FILE)
            result.outputs["program_impact_pdf"] = PDF_FILE
            result.bytes["program_impact_pdf"] = (run_dir / PDF_FILE).stat().st_size
        # from the report stage's start, alongside the HTML reports
        result.seconds["program_impact_pdf"] = time.perf_counter() - pdf_started
    if ahead is not None:
        ahead.close()  # its folder, the PDF moved out
    return result


def main(argv: list[str] | None = None) -> None:
    """``python -m reports.build --run-dir DIR``: rebuild a run's reports from its manifest.

    For report development and notebooks: re-renders the reports of the run
    whose ``manifest.json`` is in ``--run-dir`` (or of ``--manifest``) from the
    warehouse it names, into ``--out`` (default: the run folder itself).
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--run-dir", type=Path, help="a run folder holding manifest.json")
    parser.add_argument("--manifest", type=Path, help="a manifest.json (default: in --run-dir)")
    parser.add_argument("--warehouse", type=Path, help="default: the manifest's warehouse")
    parser.add_argument("--out", type=Path, help="default: --run-dir")
    parser.add_argument("--no-pdf", action="store_true", help="skip the leadership PDF")
    args = parser.parse_args(argv)
    manifest_path = args.manifest or (args.run_dir / "manifest.json" if args.run_dir else None)
    out = args.out or args.run_dir
    if manifest_path is None or out is None:
        parser.error("give --run-dir, or --manifest and --out")
    manifest = json.loads(Path(manifest_path).read_text())
    warehouse = args.warehouse or Path(manifest["warehouse"])
    result = build_reports(warehouse, out, manifest, pdf=not args.no_pdf)
    for name, file in result.outputs.items():
        print(f"{name}: {Path(out) / file} ({result.seconds[name]:.2f}s)")
    for warning in result.warnings:
        print(f"warning: {warning}")


if __name__ == "__main__":
    main()
