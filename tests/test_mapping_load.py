"""Contract section 4: a mapping turns an organisation's own files into the contract's sources."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.errors import InputFileError, MappingError, PipelineError
from pipelines.inbox import resolve_drop
from pipelines.ingest.loader import SourceLoad, load_drop
from pipelines.mapping.spec import load_mapping
from tests.conftest import write_csv

HR_HEADER = ["Emp ID", "Name", "E-mail", "Start", "Left", "Status", "Dept", "Grade", "DOB"]
HR_ROWS = [
    ["1", "Ann", "ann@example.org", "03/02/15", "", "Active", " Sales ", "3", "10/08/51"],
    ["2", "Bob", "Bob@Example.org ", "01/06/19", "12/31/20", "Voluntarily Terminated", "IT", "4",
     "01/02/88"],
    ["3", "Cy", "cy@example.org", "07/01/20", "", "Active", "IT", "2", "05/05/99"],
]  # fmt: skip
HR_FILE = """
  hr:
    pattern: people_*.csv
    dates: {formats: ["%m/%d/%y"], two_digit_year_pivot: 2025, columns: [DOB]}
    personal: [Name, E-mail]
"""
EMPLOYEES = """
  employees:
    from: hr
    columns:
      employee_id: {sql: "'E' || \\"Emp ID\\""}
      full_name: Name
      hire_date: Start
      termination_date: Left
      termination_reason:
        column: Status
        translate: {Active: "", Voluntarily Terminated: voluntary}
      department: {sql: trim(Dept)}
      job_level: Grade
      location: {value: Head office}
      birth_year: {sql: year(DOB)}
"""


def _mapping(tmp_path: Path, files: str, sources: str, extra: str = "") -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(f"files:{files}\nsources:{sources}\n{extra}")
    return path


def _load(con: duckdb.DuckDBPyConnection, drop: Path, mapping: Path) -> dict[str, SourceLoad]:
    loads = load_drop(con, resolve_drop(drop, mapping=load_mapping(mapping)), "run-map")
    return {f"{load.source}:{Path(load.file).name}": load for load in loads}


def _hr(drop: Path, rows: list[list[str]] | None = None, name: str = "people_2026.csv") -> None:
    write_csv(drop / name, HR_HEADER, HR_ROWS if rows is None else rows)


def test_columns_are_fed_by_input_columns_constants_expressions_and_translations(
    warehouse, drop_dir, tmp_path
):
    _hr(drop_dir)
    loads = _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    assert loads["employees:people_2026.csv"].rows_accepted == 3
    rows = warehouse.execute(
        "select employee_id, hire_date::varchar, termination_date::varchar, termination_reason, "
        "department, job_level, location, birth_year from raw.employees order by 1"
    ).fetchall()
    assert rows == [
        ("E1", "2015-03-02", None, None, "Sales", 3, "Head office", 1951),
        ("E2", "2019-01-06", "2020-12-31", "voluntary", "IT", 4, "Head office", 1988),
        ("E3", "2020-07-01", None, None, "IT", 2, "Head office", 1999),
    ]


def test_two_digit_years_resolve_at_or_before_the_pivot(warehouse, drop_dir, tmp_path):
    """10/08/51 is 1951, not 2051; with the pivot at 2025, 25 is 2025 and 26 is 1926."""
    rows = [[str(i), "", "", "01/01/15", "", "Active", "S", "3", dob] for i, dob in
            enumerate(["10/08/51", "01/01/25", "01/01/26", "02/29/00"], 1)]  # fmt: skip
    _hr(drop_dir, rows)
    _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    years = warehouse.execute("select birth_year from raw.employees order by employee_id")
    assert [y for (y,) in years.fetchall()] == [1951, 2025, 1926, 2000]


def test_personal_columns_are_never_read_and_cannot_be_used(warehouse, drop_dir, tmp_path):
    _hr(drop_dir)
    loads = _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    load = loads["employees:people_2026.csv"]
    assert set(load.dropped_personal_columns) == {"Name", "E-mail"}
    everything = str(
        [
            warehouse.execute(f"select * from raw.{t}").fetchall()
            for t in ("employees", "quarantine")
        ]
    )
    assert "Ann" not in everything and "example.org" not in everything
    leaking = EMPLOYEES.replace("location: {value: Head office}", "location: {sql: Name}")
    with pytest.raises(MappingError, match=r"line \d+: employees.location: input column 'Name' is "
                       "personal data") as err:  # fmt: skip
        _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, leaking))
    assert err.value.column == "Name"


def test_an_unparsable_date_in_an_input_column_is_quarantined_naming_it(
    warehouse, drop_dir, tmp_path
):
    rows = [*HR_ROWS, ["4", "", "", "01/01/15", "", "Active", "S", "3", "31/31/99"]]
    _hr(drop_dir, rows)
    _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    [(line, column, reason)] = warehouse.execute(
        "select line_number, column_name, reason from raw.quarantine"
    ).fetchall()
    assert (line, column) == (5, "birth_year")
    assert reason == (
        "unparsable value '31/31/99' in input column DOB "
        "(expected a date %m/%d/%y, two-digit years up to 2025)"
    )


def test_one_file_feeds_several_sources(warehouse, drop_dir, tmp_path):
    header = ["id", "start", "dept", "level", "last_review", "score", "survey"]
    rows = [["1", "2020-01-01", "S", "3", "2024-02-15", "4", "3.5"],
            ["2", "2020-01-01", "S", "3", "", "", "4.1"]]  # fmt: skip
    write_csv(drop_dir / "wide.csv", header, rows)
    sources = """
  employees:
    from: wide
    columns: {employee_id: id, hire_date: start, department: dept, job_level: level}
  performance_reviews:
    from: wide
    where: last_review is not null
    columns: {employee_id: id, review_date: last_review, rating: score}
  engagement_surveys:
    from: wide
    columns: {employee_id: id, survey_date: {sql: as_of()}, engagement_score: survey}
"""
    loads = _load(warehouse, drop_dir, _mapping(tmp_path, "\n  wide: {pattern: wide.csv}", sources))
    reviews = loads["performance_reviews:wide.csv"]
    assert (reviews.rows_read, reviews.rows_accepted, reviews.rows_excluded_by_mapping) == (1, 1, 1)
    assert warehouse.execute("select survey_date::varchar from raw.engagement_surveys").fetchall() \
        == [("2026-11-25",), ("2026-11-25",)]  # fmt: skip
    assert loads["employees:wide.csv"].rows_accepted == 2


def test_several_files_feed_one_source_and_a_key_repeated_across_them_is_a_duplicate(
    warehouse, drop_dir, tmp_path
):
    _hr(drop_dir, HR_ROWS[:2], "people_a.csv")
    _hr(drop_dir, HR_ROWS[1:], "people_b.csv")
    loads = _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    second = loads["employees:people_b.csv"]
    assert (second.rows_read, second.rows_accepted, second.rows_quarantined) == (2, 1, 1)
    (reason,) = warehouse.execute("select reason from raw.quarantine").fetchone()
    assert reason.startswith("duplicate key (employee_id); first row in ")
    assert reason.endswith("people_a.csv line 3 kept")


def test_sources_the_mapping_does_not_name_are_read_in_canonical_form(
    warehouse, drop_dir, tmp_path
):
    _hr(drop_dir)
    write_csv(drop_dir / "programs.csv", ["program_id", "program_name", "program_type",
              "start_date"], [["P1", "Career", "traditional", "2024-01-01"]])  # fmt: skip
    loads = _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    assert loads["programs:programs.csv"].rows_accepted == 1


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("cp1252", "cp1252"), ("latin-1", "latin-1"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8")],
)
def test_declared_encodings_are_read(warehouse, drop_dir, tmp_path, encoding, declared):
    text = "id;start;dept;level\n1;2020-01-01;Ingénierie € R&D;3\n2;2020-01-01;Zoë;3\n"
    if encoding == "latin-1":
        text = text.replace("€", "E")
    (drop_dir / "staff.csv").write_bytes(text.encode(encoding))
    files = f"\n  staff: {{pattern: staff.csv, encoding: {declared}, delimiter: ';'}}"
    sources = """
  employees:
    from: staff
    columns: {employee_id: id, hire_date: start, department: dept, job_level: level}
"""
    _load(warehouse, drop_dir, _mapping(tmp_path, files, sources))
    departments = warehouse.execute("select department from raw.employees order by 1").fetchall()
    expected = "Ingénierie € R&D" if encoding != "latin-1" else "Ingénierie E R&D"
    assert departments == [(expected,), ("Zoë",)]


def test_header_row_and_decimal_comma(warehouse, drop_dir, tmp_path):
    (drop_dir / "export.csv").write_text(
        "Engagement export\nGenerated by HRIS\nid;start;dept;level;score\n1;2020-01-01;S;3;4,25\n"
    )
    files = "\n  x: {pattern: export.csv, header_row: 3, decimal: ',', delimiter: ';'}"
    sources = """
  employees:
    from: x
    columns: {employee_id: id, hire_date: start, department: dept, job_level: level}
  engagement_surveys:
    from: x
    columns: {employee_id: id, survey_date: start, engagement_score: score}
"""
    _load(warehouse, drop_dir, _mapping(tmp_path, files, sources))
    assert warehouse.execute(
        "select engagement_score, _line_number from raw.engagement_surveys"
    ).fetchall() == [(4.25, 4)]


LOOKUP = """
lookups:
  by_email: {file: hr, match: E-mail, gives: {sql: "'E' || \\"Emp ID\\""}}
"""
PLATFORM = """
  employees:
    from: hr
    columns:
      employee_id: {sql: "'E' || \\"Emp ID\\""}
      hire_date: Start
      department: Dept
      job_level: Grade
  programs:
    from: platform
    columns:
      program_id: {value: P1}
      program_name: {value: Mentoring}
      program_type: {value: traditional}
      start_date: {value: 2024-01-01}
  matches:
    from: platform
    columns:
      match_id: pair
      program_id: {value: P1}
      mentor_id: {lookup: by_email, column: mentor}
      mentee_id: {lookup: by_email, column: mentee}
      start_date: began
"""


def test_people_are_found_by_e_mail_at_ingestion_and_the_e_mail_is_never_stored(
    warehouse, drop_dir, tmp_path
):
    _hr(drop_dir, [*HR_ROWS, ["4", "Di", "cy@example.org", "01/01/15", "", "Active", "S", "3",
                              "01/01/80"]])  # fmt: skip
    write_csv(drop_dir / "platform.csv", ["pair", "mentor", "mentee", "began"], [
        ["M1", " ANN@example.org", "bob@example.org", "2024-02-01"],
        ["M2", "ann@example.org", "nobody@example.org", "2024-02-01"],
        ["M3", "ann@example.org", "cy@example.org", "2024-02-01"],
    ])  # fmt: skip
    files = HR_FILE + "\n  platform: {pattern: platform.csv, personal: [mentor, mentee]}"
    _load(warehouse, drop_dir, _mapping(tmp_path, files, PLATFORM, LOOKUP))
    assert warehouse.execute("select match_id, mentor_id, mentee_id from raw.matches").fetchall() \
        == [("M1", "E1", "E2")]  # fmt: skip
    quarantined = warehouse.execute(
        "select line_number, column_name, reason from raw.quarantine where source = 'matches' "
        "order by 1"
    ).fetchall()
    assert quarantined == [
        (3, "mentee_id", "no employee of the HR export has this mentee (lookup by_email)"),
        (4, "mentee_id", "2 employees of the HR export share this mentee (lookup by_email)"),
    ]
    dump = json.dumps([warehouse.execute(f"select * from raw.{t}").fetchall()
                       for t in ("matches", "quarantine", "employees")], default=str)  # fmt: skip
    assert "example.org" not in dump and "@" not in dump


@pytest.mark.parametrize(
    ("change", "message", "column"),
    [
        ("job_level: Grade", "employees.job_level: input column 'Grad' is not in people_2026.csv "
         "(did you mean 'Grade'?)", "Grad"),
        ("department: {sql: trim(Dept)}", "employees.department: input column 'Dpt' is not in "
         "people_2026.csv (did you mean 'Dept'?)", "Dpt"),
        ("department: {sql: trim(Dept)}", "employees.department: the expression does not parse",
         None),
    ],
)  # fmt: skip
def test_a_wrong_mapping_fails_before_anything_is_loaded_naming_file_line_and_column(
    warehouse, drop_dir, tmp_path, change, message, column
):
    _hr(drop_dir)
    _load(warehouse, drop_dir, _mapping(tmp_path, HR_FILE, EMPLOYEES))
    wrong = {"Grad": "job_level: Grad", "Dpt": "department: {sql: trim(Dpt)}"}.get(
        column or "", "department: {sql: trim(Dept}"
    )
    path = _mapping(tmp_path, HR_FILE, EMPLOYEES.replace(change, wrong))
    line = 1 + path.read_text().splitlines().index("      " + wrong)
    with pytest.raises(MappingError) as err:
        _load(warehouse, drop_dir, path)
    assert str(err.value).startswith(f"{path}, line {line}: {message}")
    assert err.value.column == column
    assert "\n" not in str(err.value)
    # Nothing was loaded: the previous load is still in the raw schema.
    assert warehouse.execute("select count(*) from raw.employees").fetchone() == (3,)


def test_a_date_format_that_does_not_match_the_data_fails_before_loading(
    warehouse, drop_dir, tmp_path
):
    _hr(drop_dir)
    path = _mapping(tmp_path, HR_FILE.replace("%m/%d/%y", "%d.%m.%Y"), EMPLOYEES)
    with pytest.raises(MappingError) as err:
        _load(warehouse, drop_dir, path)
    assert str(err.value) == (
        f"{path}, line 4: none of the first 3 values of Start in people_2026.csv is a date "
        "%d.%m.%Y: the format does not match the data"
    )
    assert err.value.column == "Start"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("files:\n  hr: {pattern: a.csv}\nsources:\n  staff: {from: hr}\n", 4,
         "'staff' is not a contract source"),
        ("files:\n  hr: {pattern: a.csv}\nsources:\n  employees:\n    from: hr\n"
         "    columns: {employee_id: id}\n", 6, "employees: required column hire_date is not fed"),
        ("files:\n  hr:\n    pattern: a.csv\n    dates: {formats: ['%m/%d/%y']}\n", 4,
         "a format with a two-digit year (%y) needs two_digit_year_pivot"),
        ("files:\n  hr: {pattern: a.csv, encoding: ebcdic}\n", 2, "encoding 'ebcdic' is not"),
        ("files:\n  hr: {pattern: a.csv}\n  hr: {pattern: b.csv}\n", 3, "key 'hr' appears twice"),
        ("files: [\n", 2, "expected"),
    ],
)  # fmt: skip
def test_a_malformed_mapping_names_its_line(tmp_path, text, line, message):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(PipelineError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}, line {line}: ")
    assert message in str(err.value)


def test_translation_tables_keep_yes_no_and_dates_as_text(tmp_path):
    path = _mapping(tmp_path, HR_FILE, EMPLOYEES.replace(
        'translate: {Active: "", Voluntarily Terminated: voluntary}',
        "translate: {No: other, 2020-01-01: other, 1.10: other}"))  # fmt: skip
    feed = load_mapping(path).sources["employees"].columns["termination_reason"]
    assert [k for k, _ in feed.translate] == ["no", "2020-01-01", "1.10"]


def test_the_inbox_config_names_the_default_mapping(tmp_path):
    from pipelines.mapping.config import resolve_mapping

    inbox = tmp_path / "inbox"
    _hr(inbox / "2026-11-25")
    mapping = _mapping(tmp_path, HR_FILE, EMPLOYEES)
    (inbox / "mentorship.yaml").write_text("mapping: ../mapping.yaml\n")
    for given in (inbox, inbox / "2026-11-25"):
        found = resolve_mapping(given, None)
        assert found is not None and found.path == inbox / "../mapping.yaml"
        drop = resolve_drop(given, mapping=found)
        assert drop.files["employees"].name == "people_2026.csv"
    assert resolve_mapping(inbox, mapping).path == mapping


def test_a_canonical_file_missing_a_required_column_names_file_and_column_not_its_header(
    warehouse, drop_dir
):
    write_csv(drop_dir / "employees.csv", ["employee_id", "secret:x:0:0", "hire_date"], [])
    with pytest.raises(InputFileError) as err:
        load_drop(warehouse, resolve_drop(drop_dir), "run")
    assert err.value.column == "department"
    assert "secret" not in str(err.value)
