"""What a night need not redo while the dbt project is unchanged: unit tests, docs, compiled plan.

dbt's unit tests check the models' code on fixed inputs, not the night's
data, and the docs site describes the models and their columns, not the
rows: both change only when the project does. So does the SQL dbt compiles
(the as-of date is data, not a var): the plan of
:mod:`pipelines.transform.plan`. So each is keyed by the project's fingerprint
(the dbt project's files, the raw schema they read, dbt and its adapter's
versions) and redone only when it differs: the first night after an upgrade
or an edited model runs ``dbt build`` with the unit tests, regenerates the
docs and keeps the plan; the nights after reuse them. CI runs the unit tests
on every change.

The cache lives beside the warehouse analysts read, in
``.<warehouse name>.dbt-cache/``; deleting it only costs the next night the
time to redo both.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb

from pipelines import contract
from pipelines.paths import tree_fingerprint
from pipelines.transform.plan import PLAN_VERSION, Plan

#: The dbt project's own files (the suites and mappings do not change the models).
DBT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "snapshots", "profiles")
_CONTRACT = Path(contract.__file__)


def _version(package: str) -> str:
    try:
        return f"{package}=={metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package} (not installed)"


#: The adapter package of each dbt target (its version is part of the fingerprint).
ADAPTERS = {"duckdb": "dbt-duckdb", "postgres": "dbt-postgres", "spark": "dbt-spark"}


def project_fingerprint(project: Path, dbt_target: str = "duckdb") -> str:
    """A short hash of everything that decides the models' code and columns on ``dbt_target``.

    Unit tests that passed on DuckDB say nothing of PostgreSQL: another target
    is part of the hash (DuckDB's hash is the same as before targets existed).
    """
    roots = [(project, project / name) for name in DBT_FILES]
    roots.append((_CONTRACT.parent, _CONTRACT))
    extra: tuple[str, ...] = (_version("dbt-core"), _version("dbt-duckdb"))
    if dbt_target != "duckdb":
        extra += (dbt_target, _version(ADAPTERS[dbt_target]))
    return tree_fingerprint(roots, extra=extra)


@dataclass(frozen=True)
class DbtCache:
    """The cache of one warehouse, for one version of the project."""

    folder: Path
    fingerprint: str

    @property
    def _unit_tests_marker(self) -> Path:
        return self.folder / f"unit-tests-passed-{self.fingerprint}"

    @property
    def _docs_page(self) -> Path:
        return self.folder / f"dbt-docs-{self.fingerprint}.html"

    def unit_tests_passed(self) -> bool:
        """Whether this version of the project's unit tests passed on an earlier night."""
        return self._unit_tests_marker.is_file()

    def record_unit_tests_passed(self) -> None:
        self._write(self._unit_tests_marker, b"")

    def docs(self) -> Path | None:
        """The docs site generated for this version of the project, if any."""
        return self._docs_page if self._docs_page.is_file() else None

    def store_docs(self, page: Path) -> None:
        """Keep ``page`` for this version; older versions' pages are removed."""
        for old in self.folder.glob("dbt-docs-*.html"):
            old.unlink(missing_ok=True)
        self._write(self._docs_page, page.read_bytes())

    @property
    def _plan_file(self) -> Path:
        return self.folder / f"plan-{self.fingerprint}.json"

    @property
    def seeds_dir(self) -> Path:
        """The plan's seed rows (Parquet, one file per seed)."""
        return self.folder / f"seeds-{self.fingerprint}"

    def plan(self, database: str) -> Plan | None:
        """The plan kept for this version of the project and a warehouse named ``database``."""
        try:
            plan = Plan.from_json(self._plan_file.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None  # none kept, or written by another version of this code
        if plan.version != PLAN_VERSION or plan.database != database:
            return None
        if any(not (self.seeds_dir / f"{s.name}.parquet").is_file() for s in plan.seeds()):
            return None
        return plan

    def store_plan(self, plan: Plan, con: duckdb.DuckDBPyConnection) -> None:
        """Keep ``plan`` and its seeds' rows (from the warehouse dbt built); drop older ones."""
        for old in self.folder.glob("plan-*.json"):
            old.unlink(missing_ok=True)
        for old in self.folder.glob("seeds-*"):
            shutil.rmtree(old, ignore_errors=True)
        self.seeds_dir.mkdir(parents=True, exist_ok=True)
        for seed in plan.seeds():
            path = self.seeds_dir / f"{seed.name}.parquet"
            quoted = str(path).replace("'", "''")
            con.execute(f"copy (select * from {seed.relation}) to '{quoted}' (format parquet)")
        self._write(self._plan_file, plan.to_json().encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        """Written under a temporary name, then renamed: a killed run leaves no half file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def dbt_cache(warehouse: Path, project: Path, dbt_target: str = "duckdb") -> DbtCache:
    """The cache beside ``warehouse`` (the one analysts read) for ``project`` as it is now."""
    folder = warehouse.parent / f".{warehouse.name}.dbt-cache"
    return DbtCache(folder, project_fingerprint(project, dbt_target))
