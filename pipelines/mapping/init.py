"""``mentorship mapping init``: draft a mapping from export files, every guess commented.

For each file: the encoding (byte-order marks, then whether the first
megabyte is UTF-8), the delimiter (the header's most frequent one), the date
formats each column's first values fit, personal columns (names, e-mail,
addresses). For each contract source: which input column feeds each contract
column, by header similarity to the contract's name and its synonyms; a date
column feeding ``birth_year`` becomes ``year(...)``; an enum or number column
fed with text values gets a translation table of its values, guessed. A
source is drafted when its required columns mostly match. What cannot be
guessed is written as a commented ``TODO``, which ``mapping check`` refuses
until it is filled in.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipelines.contract import PERSONAL_COLUMNS, SOURCES, Column, Source
from pipelines.errors import InputError
from pipelines.readers.dispatch import read_header, sample_values
from pipelines.readers.files import bom_encoding, open_regular
from pipelines.readers.formats import Header, ReadOptions, file_format

SAMPLE = 1000
#: Header spellings of contract columns seen in HR systems and mentoring platforms.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": ("empid", "employeeid", "employeenumber", "empno", "personid", "workerid",
                    "staffid", "personnelnumber", "employeeno", "userid"),
    "full_name": ("employeename", "name", "fullname", "employee", "displayname"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "hire_date": ("dateofhire", "hiredate", "startdate", "datehired", "joindate", "joiningdate",
                  "originalhiredate"),
    "termination_date": ("dateoftermination", "terminationdate", "leavingdate", "exitdate",
                         "termdate", "separationdate"),
    "termination_reason": ("termreason", "terminationreason", "reasonforleaving", "exitreason",
                           "leavingreason", "separationreason"),
    "department": ("department", "dept", "departmentname", "division", "orgunit"),
    "job_title": ("position", "jobtitle", "title", "positiontitle", "jobname"),
    "job_level": ("level", "grade", "joblevel", "paygrade", "band", "jobgrade"),
    "manager_id": ("managerid", "supervisorid", "reportsto", "managerempid"),
    "location": ("location", "state", "site", "office", "city", "worklocation"),
    "gender": ("sex", "gender"),
    "ethnicity": ("racedesc", "race", "ethnicity", "ethnicgroup", "raceethnicity"),
    "birth_year": ("dob", "dateofbirth", "birthdate", "birthyear", "yearofbirth"),
    "effective_date": ("effectivedate", "changedate", "effectivefrom"),
    "change_type": ("changetype", "actiontype", "action", "eventtype"),
    "review_date": ("lastperformancereviewdate", "reviewdate", "appraisaldate",
                    "performancereviewdate"),
    "rating": ("performancescore", "rating", "performancerating", "reviewscore"),
    "survey_date": ("surveydate", "engagementsurveydate"),
    "engagement_score": ("engagementsurvey", "engagementscore", "engagement"),
    "enps": ("enps", "npsscore", "employeenps"),
    "mentor_id": ("mentorid", "mentoremail", "mentor"),
    "mentee_id": ("menteeid", "menteeemail", "mentee"),
    "match_id": ("matchid", "pairingid", "pairid", "relationshipid"),
    "program_id": ("programid", "programmeid", "cohortid"),
    "program_name": ("programname", "programmename", "program"),
    "program_type": ("programtype", "programmetype", "type"),
    "session_id": ("sessionid", "meetingid"),
    "session_date": ("sessiondate", "meetingdate", "date"),
    "duration_minutes": ("durationminutes", "duration", "minutes", "length"),
    "initiated_by": ("initiatedby", "requestedby", "bookedby"),
    "feedback_id": ("feedbackid", "responseid", "surveyresponseid"),
    "respondent_role": ("respondentrole", "role", "respondent"),
    "submitted_date": ("submitteddate", "submittedat", "responsedate"),
    "comment": ("comment", "comments", "freetext", "remarks"),
}  # fmt: skip
_PERSONAL = re.compile(r"name|mail|phone|mobile|address|street|zip|postcode|postal|ssn|social")
DATE_FORMATS = (
    "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%d.%m.%Y", "%d.%m.%y",
    "%Y/%m/%d", "%d-%m-%Y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y",
)  # fmt: skip
_THRESHOLD = 0.8
_REASONS = (
    (re.compile(r"retir"), "retirement"),
    (re.compile(r"invol|fired|dismiss|cause|misconduct|attendance|performance|no.?call|lay.?off"),
     "involuntary"),
    (re.compile(r"n/a|still|active|employed"), ""),
    (re.compile(r"volunt|resign|quit"), "voluntary"),
)  # fmt: skip
_RATINGS = (
    (re.compile(r"exceed|outstanding|excellent|exceptional"), "4"),
    (re.compile(r"fully|meets|solid|good"), "3"),
    (re.compile(r"needs|improv|below|partial"), "2"),
    (re.compile(r"pip|unsatisf|poor|fail"), "1"),
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class _Guess:
    column: Column
    input: str
    score: float
    note: str


@dataclass
class _File:
    path: Path
    alias: str
    encoding: str
    encoding_note: str
    header: Header
    options: ReadOptions
    samples: dict[int, list[str]]
    date_formats: dict[int, list[str]] = field(default_factory=dict)
    personal: list[str] = field(default_factory=list)

    def name(self, i: int) -> str:
        return self.header.names[i].strip()


def _detect_encoding(path: Path) -> tuple[str, str]:
    with open_regular(path) as fh:
        head = fh.read(1 << 20)
    bom = bom_encoding(head)
    if bom == "UTF-16":
        return "utf-16", "a UTF-16 byte-order mark"
    if bom is not None:
        raise InputError(f"{path}: {bom} files are not supported; export UTF-8 or UTF-16")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return "cp1252", "not UTF-8 in its first megabyte; Windows-1252 is the usual other one"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", "UTF-8 with a byte-order mark"
    return "utf-8", "valid UTF-8 in its first megabyte"


def _read(path: Path, alias: str) -> _File:
    fmt = file_format(path)
    encoding, note = ("utf-8", "") if fmt != "csv" else _detect_encoding(path)
    options = ReadOptions(encoding=encoding, mapped=True)
    header = read_header(path, options)
    positions = list(range(len(header.names)))
    samples = sample_values(path, options, header, positions, SAMPLE)
    item = _File(path, alias, encoding, note, header, options, samples)
    for i in positions:
        formats = _date_formats(samples.get(i, []))
        if formats:
            item.date_formats[i] = formats
        if _PERSONAL.search(_key(item.name(i))) and i not in item.date_formats:
            item.personal.append(item.name(i))
    return item


def _date_formats(values: list[str]) -> list[str]:
    """Formats that read at least 98% of the values (all of them, for a handful)."""
    if len(values) < 3 or not any(ch in values[0] for ch in "-/. "):
        return []
    out = []
    for fmt in DATE_FORMATS:
        ok = 0
        for value in values:
            try:
                datetime.strptime(value, fmt)
                ok += 1
            except ValueError:
                continue
        if ok >= 0.98 * len(values):
            out.append(fmt)
    return out


def _score(column: Column, header_name: str) -> tuple[float, str]:
    key = _key(header_name)
    if not key:
        return 0.0, ""
    names = (_key(column.name), *SYNONYMS.get(column.name, ()))
    if key in names:
        return 1.0, f"header {header_name!r} is a usual name for {column.name}"
    best = max(difflib.SequenceMatcher(None, key, n).ratio() for n in names)
    return best, f"header {header_name!r} looks like {column.name} ({best:.0%} similar)"


def _guesses(source: Source, item: _File) -> dict[str, _Guess]:
    """The best input column for each contract column, each input column used once."""
    candidates = []
    for column in source.columns:
        for i, name in enumerate(item.header.names):
            score, note = _score(column, name)
            if column.type == "date" and score < 1.0 and i not in item.date_formats:
                score *= 0.8
            if score >= _THRESHOLD:
                candidates.append((score, column.name, i, note))
    out: dict[str, _Guess] = {}
    taken: set[int] = set()
    for score, name, i, note in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if name in out or i in taken:
            continue
        out[name] = _Guess(source.column(name), item.name(i), score, note)
        taken.add(i)
    return out


def _drafts(source: Source, guesses: dict[str, _Guess]) -> bool:
    required = source.required_columns
    found = [c for c in required if c in guesses]
    non_id = [c for c in found if source.column(c).type != "id"]
    return len(found) >= max(2, -(-len(required) // 2)) and bool(non_id)


def _yaml(value: str) -> str:
    if re.fullmatch(r"[0-9]+", value):
        return value
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ .()&/-]*", value) and value == value.strip()
    if plain and value.lower() not in ("null", "true", "false", "yes", "no", "on", "off"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _translation(column: Column, values: list[str]) -> list[tuple[str, str, str]] | None:
    """(value, translated, comment) rows for a coded column, or None when not needed."""
    distinct = sorted(Counter(v.strip() for v in values if v.strip()))
    if not distinct or len(distinct) > 40:
        return None
    if column.type == "enum":
        if all(v.lower() in column.values for v in distinct):
            return None
        rows = []
        for value in distinct:
            low = value.lower()
            if low in column.values:
                rows.append((value, low, "as exported"))
                continue
            if column.name == "termination_reason":
                # Free-text reasons: keywords, else "other" (never the nearest spelling).
                target = next((t for rx, t in _REASONS if rx.search(low)), "other")
            else:
                near = difflib.get_close_matches(low, column.values, n=1, cutoff=0.6)
                target = near[0] if near else "TODO"
            rows.append((value, target, "guessed" if target != "" else "guessed: not a reason"))
        return rows
    if column.type in ("number", "integer"):
        if all(re.fullmatch(r"[+-]?\d+([.,]\d+)?", v) for v in distinct):
            return None
        rows = []
        for value in distinct:
            target = next((t for rx, t in _RATINGS if rx.search(value.lower())), "TODO")
            rows.append((value, target, "guessed"))
        return rows
    return None


def draft_mapping(paths: list[Path], today: date | None = None) -> str:
    """The draft mapping's YAML text for ``paths``."""
    if not paths:
        raise InputError("mapping init: name at least one export file")
    items: list[_File] = []
    for path in paths:
        alias = re.sub(r"[^a-z0-9]+", "_", Path(path).stem.lower()).strip("_") or "file"
        while alias in {i.alias for i in items}:
            alias += "_2"
        items.append(_read(Path(path), alias))
    year = (today or date.today()).year
    sources: list[tuple[Source, _File, dict[str, _Guess]]] = []
    for source in SOURCES:
        scored = [(item, _guesses(source, item)) for item in items]
        scored = [(item, g) for item, g in scored if _drafts(source, g)]
        if scored:
            item, guesses = max(scored, key=lambda s: sum(g.score for g in s[1].values()))
            sources.append((source, item, guesses))
    lines = [
        f"# Drafted by `mentorship mapping init` from {', '.join(i.path.name for i in items)}.",
        "# Every guess says why; check each one, fill in every TODO, then run",
        "#   mentorship mapping check THIS_FILE --inbox DROP",
        "mapping: 1",
        "",
        "files:",
    ]
    for item in items:
        lines += _file_lines(item, sources, year)
    lines += ["", "sources:"]
    if not sources:
        lines.append("  # TODO: no contract source matched these files' headers")
    for source, item, guesses in sources:
        lines += _source_lines(source, item, guesses)
    return "\n".join(lines) + "\n"


def _file_lines(
    item: _File, sources: list[tuple[Source, _File, dict[str, _Guess]]], year: int
) -> list[str]:
    out = [f"  {item.alias}:", f"    pattern: {_yaml(item.path.name)}  # this file's name"]
    if item.header.file_format == "csv":
        delimiter = {",": '","', ";": '";"', "\t": "tab"}.get(item.header.delimiter or ",", '","')
        out.append(f"    delimiter: {delimiter}  # guessed: the header's most frequent separator")
        out.append(f"    encoding: {item.encoding}  # guessed: {item.encoding_note}")
    used = {
        i
        for source, owner, guesses in sources
        if owner is item
        for g in guesses.values()
        for i, n in enumerate(item.header.names)
        if n.strip() == g.input and (g.column.type == "date" or g.column.name == "birth_year")
    }
    formats = Counter(f for i in used for f in item.date_formats.get(i, [])[:1])
    if formats:
        names = ", ".join(item.name(i) for i in sorted(used))
        chosen = [f for f, _ in formats.most_common()]
        ambiguous = [
            f"{item.name(i)} also reads as {', '.join(item.date_formats[i][1:])}"
            for i in sorted(used)
            if len(item.date_formats.get(i, [])) > 1
        ]
        out += ["    dates:", f"      formats: {json.dumps(chosen)}  # guessed from {names}"]
        if ambiguous:
            out.append(f"      # ambiguous: {'; '.join(ambiguous)}; check which is meant")
        if any("%y" in f for f in chosen):
            out.append(
                f"      two_digit_year_pivot: {year}  # a two-digit year means the latest year "
                f"up to {year} (51 is 1951): check"
            )
        births = [
            g.input
            for source, owner, guesses in sources
            if owner is item and "birth_year" in guesses
            for g in [guesses["birth_year"]]
            if g.input in {item.name(i) for i in item.date_formats}
        ]
        if births:
            out.append(f"      columns: [{', '.join(_yaml(b) for b in births)}]  # read as dates")
    if item.personal:
        listed = ", ".join(_yaml(p) for p in item.personal)
        out.append(f"    personal: [{listed}]  # guessed personal data: never read")
    return out


def _source_lines(source: Source, item: _File, guesses: dict[str, _Guess]) -> list[str]:
    out = ["", f"  {source.name}:", f"    from: {item.alias}", "    columns:"]
    by_name = {item.name(i): i for i in range(len(item.header.names))}
    for column in source.columns:
        guess = guesses.get(column.name)
        if guess is None:
            if column.required:
                out.append(
                    f"      # {column.name}: TODO (required; no input column looks like it: "
                    "feed it with an input column, {value: ...} or {sql: ...})"
                )
            continue
        if column.name in PERSONAL_COLUMNS:
            out.append(f"      {column.name}: {_yaml(guess.input)}  # {guess.note}; dropped")
            continue
        position = by_name[guess.input]
        is_date = position in item.date_formats
        if column.name == "birth_year" and is_date:
            out.append(f"      {column.name}: {{sql: year({_ident(guess.input)})}}  # {guess.note}")
            continue
        rows = None if is_date else _translation(column, item.samples.get(position, []))
        if rows is None:
            out.append(f"      {column.name}: {_yaml(guess.input)}  # {guess.note}")
            continue
        out += [
            f"      {column.name}:  # {guess.note}; its values translated",
            f"        column: {_yaml(guess.input)}",
            "        translate:",
        ]
        for value, target, note in rows:
            shown = '""' if target == "" else _yaml(target)
            out.append(f"          {_yaml(value)}: {shown}  # {note}")
    return out


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else json.dumps(name)
