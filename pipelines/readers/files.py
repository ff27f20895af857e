"""Opening export files safely: regular files only, text sniffed, other encodings transcoded.

A drop is read, never trusted: a symbolic link named ``employees.csv`` could
point anywhere (``/etc/passwd``), a named pipe would block the run forever,
and a file's bytes may be anything. Every read goes through
:func:`open_regular`, which refuses links and anything but a regular file.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipelines.errors import InputFileError

#: One rule for oversized records, whichever reader reads the file: a record
#: (its bytes in the file, line breaks inside quotes included) longer than this
#: is quarantined with the reason. DuckDB's ``max_line_size`` is set to it too.
MAX_RECORD_BYTES = 1 << 20
MAX_RECORD_LABEL = "1 MiB"

_CHUNK = 1 << 24
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
#: Share of control bytes above which a file is binary, not text.
_BINARY_SHARE = 0.05
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))


def check_regular_file(path: Path) -> None:
    """Raise unless ``path`` is a regular file (not a link, pipe, device or folder)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise InputFileError(
            str(path),
            "is a symbolic link; only regular files inside the drop are read "
            "(copy the export into the drop instead of linking it)",
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            str(path), "is not a regular file (a folder, pipe or device); it cannot be read"
        )


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for binary reading, refusing links even if one appeared since."""
    check_regular_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputFileError(str(path), "is not a regular file; it cannot be read")
    return os.fdopen(fd, "rb")


def bom_encoding(head: bytes) -> str | None:
    """The encoding a UTF-16/32 byte-order mark announces, if the file starts with one."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def looks_binary(head: bytes) -> bool:
    """True when the first bytes are not text (many control bytes, or NUL in the first line)."""
    if not head:
        return False
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > _BINARY_SHARE


def transcode_to_utf8(path: Path, encoding: str, folder: Path) -> Path:
    """Copy a file declared in another encoding into ``folder`` as UTF-8, line breaks kept.

    Bytes the declared encoding cannot decode are kept as they are (they are
    then invalid UTF-8, and the rows holding them are quarantined), so one bad
    byte costs a row, not the file.
    """
    target = folder / (path.name + ".utf8")
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    try:
        with open_regular(path) as src, target.open("wb") as out:
            while chunk := src.read(_CHUNK):
                out.write(decoder.decode(chunk).encode("utf-8", "surrogateescape"))
            out.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))
    except UnicodeError as exc:
        raise InputFileError(str(path), f"cannot be read as {encoding} ({exc})") from None
    return target


def count_lines(path: Path) -> tuple[int, bool, bool, bool]:
    """Physical lines, whether any is blank, whether the file is valid UTF-8, and any NUL byte.

    A file without a NUL byte needs no search for one in its landed values
    (``readers/dispatch.py``); the search costs a scan of every column.
    """
    lines, blank, valid, nul, last, tail = 0, False, True, False, b"", b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_regular(path) as fh:
        while chunk := fh.read(_CHUNK):
            joined = tail + chunk
            if b"\n\n" in joined or b"\n\r\n" in joined:
                blank = True
            if valid and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            lines += chunk.count(b"\n")
            nul = nul or b"\x00" in chunk
            tail, last = chunk[-2:], chunk
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines, blank, valid, nul


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while chunk := fh.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()
