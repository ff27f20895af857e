"""Which mapping a run uses: ``--mapping FILE``, else the inbox's ``mentorship.yaml``.

An inbox (or a drop) may hold a ``mentorship.yaml`` naming the organisation's
default mapping, relative to that file::

    mapping: ../mappings/acme.yaml

so the nightly job needs no option. Without either, the drop is read in the
canonical contract's form.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.errors import InputError
from pipelines.mapping.drop_files import INBOX_CONFIG
from pipelines.mapping.spec import Mapping, load_mapping
from pipelines.mapping.yaml_lines import LineDict, load_yaml


def inbox_config(inbox: Path) -> Path | None:
    """The ``mentorship.yaml`` of an inbox, or of the inbox holding a dated drop."""
    folders = [inbox]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", inbox.name):
        folders.append(inbox.parent)
    for folder in folders:
        candidate = folder / INBOX_CONFIG
        if candidate.is_file():
            return candidate
    return None


def resolve_mapping(inbox: Path, mapping: Path | None) -> Mapping | None:
    """The mapping to read ``inbox`` with, or None for the canonical contract."""
    if mapping is not None:
        return load_mapping(Path(mapping))
    config = inbox_config(Path(inbox))
    if config is None:
        return None
    data = load_yaml(config)
    if not isinstance(data, LineDict) or set(data) - {"mapping"}:
        raise InputError(f"{config}: the inbox's settings take one key, mapping: (a path)")
    if data.get("mapping") in (None, ""):
        return None
    return load_mapping(config.parent / str(data["mapping"]))
