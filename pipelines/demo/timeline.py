"""The demo's calendar: history, program launch, review, survey and plan dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.demo.dates import add_years, from_day, month_starts, to_day, yearly_dates
from pipelines.demo.parameters import Parameters
from pipelines.demo.programs import PROGRAMS

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@dataclass(frozen=True)
class Timeline:
    """Every fixed date of the organisation, as day numbers."""

    as_of: int
    history_start: int  # the as-of date, history_years earlier
    program_starts: np.ndarray  # per program: the launch month plus its start_month
    review_days: np.ndarray  # yearly performance reviews (15 February)
    survey_days: np.ndarray  # half-yearly engagement surveys (15 March, 15 September)
    plan_days: np.ndarray  # quarterly succession plans over the last two years

    @classmethod
    def for_as_of(cls, as_of: dt.date, params: Parameters) -> Timeline:
        day = to_day(as_of)
        start = to_day(add_years(as_of, -params.history_years))
        launch = to_day(add_years(as_of, -params.mentoring_years).replace(day=1))
        months = month_starts(launch, launch + 31 * 12)
        surveys = [yearly_dates(start, day, 3, 15), yearly_dates(start, day, 9, 15)]
        quarter_ends = [yearly_dates(day - 730, day, m, d) for m, d in QUARTER_ENDS]
        plans = np.sort(np.concatenate(quarter_ends))
        return cls(
            as_of=day,
            history_start=start,
            program_starts=np.array([months[p.start_month] for p in PROGRAMS], dtype=np.int64),
            review_days=yearly_dates(start, day, 2, 15),
            survey_days=np.sort(np.concatenate(surveys)),
            plan_days=plans[plans > day - 730],
        )

    @property
    def first_program_start(self) -> int:
        return int(self.program_starts.min())

    def as_json(self) -> dict[str, object]:
        """The dates as ISO strings, for the ground truth."""

        def iso(days: np.ndarray) -> list[str]:
            return [from_day(int(d)).isoformat() for d in days]

        return {
            "history_start": from_day(self.history_start).isoformat(),
            "programs": [
                {"program_id": p.program_id, "program_type": p.program_type, "start_date": s}
                for p, s in zip(PROGRAMS, iso(self.program_starts), strict=True)
            ],
            "review_dates": iso(self.review_days),
            "survey_dates": iso(self.survey_days),
            "plan_dates": iso(self.plan_days),
        }
