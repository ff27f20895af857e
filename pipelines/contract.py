"""The export contract (shared/contract/README.md) as data.

One place describes every source: its columns, their types, which are required,
the allowed values, the key and the references. Ingestion, the quality checks
and the demo generator all read this module, so a change to the contract is a
change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "id", "date", "integer", "number", "boolean", "enum"]

#: Columns holding personal data: dropped at read time, never stored.
PERSONAL_COLUMNS: frozenset[str] = frozenset({"full_name", "email", "comment"})


@dataclass(frozen=True)
class Column:
    """One contract column."""

    name: str
    type: ColumnType
    required: bool = False
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def sql_type(self) -> str:
        """The DuckDB type the column is stored as in the raw schema."""
        return {
            "string": "varchar",
            "id": "varchar",
            "enum": "varchar",
            "date": "date",
            "integer": "integer",
            "number": "double",
            "boolean": "boolean",
        }[self.type]


@dataclass(frozen=True)
class Reference:
    """A column whose value must be a key of an accepted row of another source."""

    column: str
    source: str
    target_column: str
    #: False for references the contract keeps with a warning (manager_id).
    quarantine: bool = True


@dataclass(frozen=True)
class Source:
    """One export file of the contract."""

    name: str
    system: Literal["hr", "mentoring"]
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    required_source: bool = False
    #: Extra row rules as (column, SQL condition that must hold, reason).
    #: Evaluated on typed values; a NULL condition passes.
    row_rules: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """Columns that enter the warehouse (personal data excluded)."""
        return tuple(c for c in self.columns if c.name not in PERSONAL_COLUMNS)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: ColumnType, required: bool = False, **kw: object) -> Column:
    return Column(name, type_, required, **kw)  # type: ignore[arg-type]


SOURCES: tuple[Source, ...] = (
    Source(
        "employees",
        "hr",
        (
            _c("employee_id", "id", True),
            _c("full_name", "string"),
            _c("email", "string"),
            _c("hire_date", "date", True),
            _c("termination_date", "date"),
            _c(
                "termination_reason",
                "enum",
                values=("voluntary", "involuntary", "retirement", "other"),
            ),
            _c("department", "string", True),
            _c("job_title", "string"),
            _c("job_level", "integer", True, min=1, max=15),
            _c("manager_id", "id"),
            _c("location", "string"),
            _c("gender", "string"),
            _c("ethnicity", "string"),
            _c("birth_year", "integer", min=1900, max=2100),
        ),
        key=("employee_id",),
        references=(Reference("manager_id", "employees", "employee_id", quarantine=False),),
        required_source=True,
        row_rules=(
            (
                "termination_date",
                "termination_date >= hire_date",
                "termination_date is before hire_date",
            ),
        ),
    ),
    Source(
        "job_history",
        "hr",
        (
            _c("employee_id", "id", True),
            _c("effective_date", "date", True),
            _c("job_level", "integer", True, min=1, max=15),
            _c("department", "string"),
            _c("job_title", "string"),
            _c("manager_id", "id"),
            _c(
                "change_type",
                "enum",
                values=("hire", "promotion", "transfer", "demotion", "other"),
            ),
        ),
        references=(Reference("employee_id", "employees", "employee_id"),),
    ),
    Source(
        "performance_reviews",
        "hr",
        (
            _c("employee_id", "id", True),
            _c("review_date", "date", True),
            _c("rating", "number", True, min=1, max=5),
        ),
        references=(Reference("employee_id", "employees", "employee_id"),),
    ),
    Source(
        "engagement_surveys",
        "hr",
        (
            _c("employee_id", "id", True),
            _c("survey_date", "date", True),
            _c("engagement_score", "number", True, min=1.0, max=5.0),
            _c("enps", "integer", min=0, max=10),
        ),
        references=(Reference("employee_id", "employees", "employee_id"),),
    ),
    Source(
        "succession_plans",
        "hr",
        (
            _c("role_id", "id", True),
            _c("role_title", "string"),
            _c("department", "string"),
            _c("incumbent_id", "id"),
            _c("is_critical", "boolean", True),
            _c("successor_id", "id"),
            _c("readiness", "enum", values=("ready_now", "ready_1_2_years", "ready_3_plus_years")),
            _c("plan_date", "date", True),
        ),
        key=("role_id", "successor_id", "plan_date"),
        references=(
            Reference("incumbent_id", "employees", "employee_id"),
            Reference("successor_id", "employees", "employee_id"),
        ),
        row_rules=(
            (
                "readiness",
                "(successor_id is null) = (readiness is null)",
                "readiness must be given exactly when a successor is",
            ),
        ),
    ),
    Source(
        "programs",
        "mentoring",
        (
            _c("program_id", "id", True),
            _c("program_name", "string", True),
            _c("program_type", "enum", True, values=("traditional", "reverse", "peer", "group")),
            _c("start_date", "date", True),
            _c("end_date", "date"),
        ),
        key=("program_id",),
        row_rules=(("end_date", "end_date >= start_date", "end_date is before start_date"),),
    ),
    Source(
        "enrollments",
        "mentoring",
        (
            _c("program_id", "id", True),
            _c("employee_id", "id", True),
            _c("role", "enum", True, values=("mentor", "mentee")),
            _c("enrolled_date", "date", True),
            _c("status", "enum", values=("active", "completed", "withdrawn")),
        ),
        key=("program_id", "employee_id", "role"),
        references=(
            Reference("program_id", "programs", "program_id"),
            Reference("employee_id", "employees", "employee_id"),
        ),
    ),
    Source(
        "matches",
        "mentoring",
        (
            _c("match_id", "id", True),
            _c("program_id", "id", True),
            _c("mentor_id", "id", True),
            _c("mentee_id", "id", True),
            _c("start_date", "date", True),
            _c("end_date", "date"),
            _c("status", "enum", values=("active", "completed", "ended_early")),
        ),
        key=("match_id",),
        references=(
            Reference("program_id", "programs", "program_id"),
            Reference("mentor_id", "employees", "employee_id"),
            Reference("mentee_id", "employees", "employee_id"),
        ),
        row_rules=(
            ("mentee_id", "mentee_id <> mentor_id", "mentor is matched with themself"),
            ("end_date", "end_date >= start_date", "end_date is before start_date"),
        ),
    ),
    Source(
        "sessions",
        "mentoring",
        (
            _c("session_id", "id", True),
            _c("match_id", "id", True),
            _c("session_date", "date", True),
            _c("duration_minutes", "integer", min=0, max=1440),
            _c("initiated_by", "enum", True, values=("mentor", "mentee")),
            _c("status", "enum", True, values=("held", "cancelled", "no_show")),
        ),
        key=("session_id",),
        references=(Reference("match_id", "matches", "match_id"),),
    ),
    Source(
        "feedback",
        "mentoring",
        (
            _c("feedback_id", "id", True),
            _c("match_id", "id", True),
            _c("respondent_role", "enum", True, values=("mentor", "mentee")),
            _c("submitted_date", "date", True),
            _c("satisfaction", "integer", min=1, max=5),
            _c("learning", "integer", True, min=1, max=5),
            _c("comment", "string"),
        ),
        key=("feedback_id",),
        references=(Reference("match_id", "matches", "match_id"),),
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}

#: Load order: every source after the sources it references.
LOAD_ORDER: tuple[str, ...] = tuple(s.name for s in SOURCES)

#: Rules that need another source's accepted rows, besides plain references:
#: (source, column, referenced source, SQL over `r` (row) and `t` (target), reason).
CROSS_RULES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "sessions",
        "session_date",
        "matches",
        "r.session_date >= t.start_date",
        "session is before its match started",
    ),
)

#: Lineage columns added to every raw table.
LINEAGE_COLUMNS: tuple[str, ...] = (
    "_source_file",
    "_line_number",
    "_file_sha256",
    "_export_date",
    "_run_id",
)

FILE_EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
