"""Errors that stop a run with a one-line message, and the exit code each one means.

The exit codes are the CLI's contract with cron and systemd (``mentorship run
--help`` and the README list them): a scheduler tells "the data failed a
check" from "someone must fix the input", "try again later" and "a bug".
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``mentorship run`` exits with."""

    #: Every drop processed was published, or there was nothing new to do.
    PUBLISHED = 0
    #: A drop failed a critical check (or dbt could not build it); nothing published.
    CHECKS_FAILED = 1
    #: Bad input: a file, column, folder, option or date is wrong; the message names it.
    BAD_INPUT = 2
    #: A bug: the traceback is in the run folder's ``error.log``.
    INTERNAL_ERROR = 70
    #: Another run holds the warehouse or the output (sysexits' EX_TEMPFAIL): try later.
    IN_PROGRESS = 75


class PipelineError(Exception):
    """A run cannot go on; the message says why in one line."""

    exit_code: ExitCode = ExitCode.CHECKS_FAILED


class InputError(PipelineError):
    """The input is wrong (a folder, option or date); the person running it can fix it."""

    exit_code = ExitCode.BAD_INPUT


class InputFileError(InputError):
    """A source file cannot be read at all, or lacks a required column."""

    def __init__(self, file: str, reason: str, column: str | None = None) -> None:
        self.file = file
        self.column = column
        self.reason = reason
        where = f"{file}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {reason}")


class MappingError(InputError):
    """A mapping file is wrong: the message names the mapping file, its line and the column."""

    def __init__(self, mapping: str, line: int | None, reason: str, column: str | None = None):
        self.mapping = mapping
        self.line = line
        self.column = column
        self.reason = reason
        where = f"{mapping}, line {line}" if line else mapping
        super().__init__(f"{where}: {reason}")


class RunInProgress(PipelineError):
    """Another run (or a writer) holds the warehouse or the output folder."""

    exit_code = ExitCode.IN_PROGRESS


class InternalError(PipelineError):
    """A bug, not bad data: the run folder keeps the traceback."""

    exit_code = ExitCode.INTERNAL_ERROR


def exit_code_of(exc: BaseException) -> ExitCode:
    """The exit code an exception stands for (any non-pipeline exception is a bug)."""
    if isinstance(exc, PipelineError):
        return exc.exit_code
    return ExitCode.INTERNAL_ERROR
