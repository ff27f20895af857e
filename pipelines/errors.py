"""Errors that stop a run with a one-line message for the person running it."""

from __future__ import annotations


class PipelineError(Exception):
    """A run cannot go on; the message says why in one line."""


class InputFileError(PipelineError):
    """A source file cannot be read at all, or lacks a required column."""

    def __init__(self, file: str, reason: str, column: str | None = None) -> None:
        self.file = file
        self.column = column
        self.reason = reason
        where = f"{file}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {reason}")


class MappingError(PipelineError):
    """A mapping file is wrong: the message names the mapping file, its line and the column."""

    def __init__(self, mapping: str, line: int | None, reason: str, column: str | None = None):
        self.mapping = mapping
        self.line = line
        self.column = column
        self.reason = reason
        where = f"{mapping}, line {line}" if line else mapping
        super().__init__(f"{where}: {reason}")
