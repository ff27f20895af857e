"""The KPI dictionary (shared/contract/kpis.md) in words, for readers.

Each published KPI gets a short label, a display kind (how its value is
formatted) and a plain-language definition written from the dictionary. The
values themselves always come from ``kpi_summary``: nothing here computes.
``tests/test_reports_build.py`` fails when a published KPI has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: rate: a fraction shown as a percentage; gap: a difference of rates, in
#: percentage points; count: a whole number; score: a mean on the 1-5 scale;
#: score_delta: a change on the 1-5 scale; mean: a mean count; ratio: a
#: dimensionless ratio (1 = parity).
Kind = Literal["rate", "gap", "count", "score", "score_delta", "mean", "ratio"]


@dataclass(frozen=True)
class KpiSpec:
    """How one KPI is named, formatted and explained."""

    kpi: str
    label: str
    kind: Kind
    definition: str


_ELIGIBLE = (
    "Counts people whose first match (or, for non-participants, the later of their "
    "hire date and the first program's start) was at least a year before the as-of "
    "date and who were employed then."
)

SPECS: tuple[KpiSpec, ...] = (
    KpiSpec(
        "retention_12m_mentee",
        "Mentee 12-month retention",
        "rate",
        "Share of mentees still employed one year (365 days) after their first match "
        "started. " + _ELIGIBLE,
    ),
    KpiSpec(
        "retention_12m_mentor",
        "Mentor 12-month retention",
        "rate",
        "Share of mentors still employed 365 days after their first match as a mentor "
        "started. " + _ELIGIBLE,
    ),
    KpiSpec(
        "retention_12m_non_participant",
        "Non-participant 12-month retention",
        "rate",
        "Share of employees who have never been in a match still employed 365 days after "
        "their reference date. " + _ELIGIBLE,
    ),
    KpiSpec(
        "retention_12m_gap_mentee_naive",
        "Mentee retention gap (naive)",
        "gap",
        "Mentees' 12-month retention minus non-participants', with no adjustment for "
        "who takes part.",
    ),
    KpiSpec(
        "retention_12m_gap_mentor_naive",
        "Mentor retention gap (naive)",
        "gap",
        "Mentors' 12-month retention minus non-participants', with no adjustment for "
        "who takes part.",
    ),
    KpiSpec(
        "retention_12m_gap_mentee_adjusted",
        "Mentee retention gap (adjusted)",
        "gap",
        "The retention gap compared like with like: mentees and non-participants are "
        "grouped by department, job level and performance band when the mentee started; "
        "within each group holding at least 5 of each, the difference in retention is "
        "taken, and the differences are averaged, weighted by the number of mentees.",
    ),
    KpiSpec(
        "retention_12m_gap_mentor_adjusted",
        "Mentor retention gap (adjusted)",
        "gap",
        "The same like-with-like comparison for mentors against non-participants.",
    ),
    KpiSpec(
        "promotion_rate_12m_mentee",
        "Mentee 12-month promotion rate",
        "rate",
        "Share of mentees promoted (moved to a higher job level) within 365 days after "
        "their first match started. " + _ELIGIBLE,
    ),
    KpiSpec(
        "promotion_rate_12m_mentor",
        "Mentor 12-month promotion rate",
        "rate",
        "Share of mentors promoted within 365 days after their first match as a mentor "
        "started. " + _ELIGIBLE,
    ),
    KpiSpec(
        "promotion_rate_12m_non_participant",
        "Non-participant 12-month promotion rate",
        "rate",
        "Share of non-participants promoted within 365 days after their reference date. "
        + _ELIGIBLE,
    ),
    KpiSpec(
        "active_matches",
        "Active matches",
        "count",
        "Matches that have started and have not ended on the as-of date.",
    ),
    KpiSpec(
        "engaged_match_rate_30d",
        "Engaged matches (30 days)",
        "rate",
        "Share of active matches with at least one session held in the last 30 days.",
    ),
    KpiSpec(
        "avg_sessions_per_active_match_90d",
        "Sessions per active match (90 days)",
        "mean",
        "Average number of sessions held in the last 90 days, over active matches that "
        "started at least 90 days ago.",
    ),
    KpiSpec(
        "mentee_initiated_share_12m",
        "Mentee-initiated sessions (12 months)",
        "rate",
        "Share of the sessions held in the last 365 days that the mentee asked for.",
    ),
    KpiSpec(
        "mentor_learning_avg",
        "Mentor learning",
        "score",
        'Mean answer of mentors to "I learned something valuable from my counterpart" '
        "(1 to 5), over all their feedback.",
    ),
    KpiSpec(
        "mentee_learning_avg",
        "Mentee learning",
        "score",
        "Mean answer of mentees to the same question (1 to 5), over all their feedback.",
    ),
    KpiSpec(
        "reciprocity_index",
        "Reciprocity index",
        "rate",
        "Among matches with feedback from both sides, the share where both mentor and "
        "mentee say, on average, that they learned something valuable (4 or more out of 5).",
    ),
    KpiSpec(
        "engagement_delta_mentee",
        "Mentee engagement change",
        "score_delta",
        "Average change in engagement score (1 to 5) between the last survey before a "
        "mentee's first match and the first survey at least 180 days after it.",
    ),
    KpiSpec(
        "engagement_delta_non_participant",
        "Non-participant engagement change",
        "score_delta",
        "The same change for non-participants, around their reference date.",
    ),
    KpiSpec(
        "engagement_uplift_mentee",
        "Mentee engagement uplift",
        "score_delta",
        "Mentees' engagement change minus non-participants'.",
    ),
    KpiSpec(
        "critical_roles",
        "Critical roles",
        "count",
        "Distinct critical roles in the current succession plan (the latest plan dated on "
        "or before the as-of date).",
    ),
    KpiSpec(
        "succession_coverage_ready_now",
        "Succession coverage (ready now)",
        "rate",
        "Share of critical roles with at least one employed successor rated ready now.",
    ),
    KpiSpec(
        "succession_coverage_any",
        "Succession coverage (any readiness)",
        "rate",
        "Share of critical roles with at least one employed successor, whatever their readiness.",
    ),
    KpiSpec(
        "successors_mentored_share",
        "Successors who are mentees",
        "rate",
        "Share of the employed successors named for critical roles who have been mentees.",
    ),
    KpiSpec(
        "knowledge_transfer_gap_roles",
        "Knowledge-transfer gap",
        "count",
        "Critical roles whose employed incumbent is 60 or older and has never mentored "
        "anyone: know-how at risk of leaving with them.",
    ),
    KpiSpec(
        "participation_rate",
        "Participation rate",
        "rate",
        "Share of the people employed on the as-of date who have been a mentee or a mentor "
        "(overall, or within one gender or ethnicity group).",
    ),
    KpiSpec(
        "representation_index",
        "Representation index",
        "ratio",
        "A group's share among participants divided by its share among all employees: "
        "1 means represented in proportion, below 1 under-represented.",
    ),
    KpiSpec(
        "selection_ratio_min",
        "Selection ratio (lowest to highest)",
        "ratio",
        "The lowest group participation rate divided by the highest, among the disclosed "
        "groups that are published. Below 0.8 fails the four-fifths rule of thumb for "
        "adverse impact.",
    ),
    KpiSpec(
        "cross_gender_match_share",
        "Cross-gender matches",
        "rate",
        "Among matches where both people disclosed a gender, the share where they differ.",
    ),
    KpiSpec(
        "cross_ethnicity_match_share",
        "Cross-ethnicity matches",
        "rate",
        "Among matches where both people disclosed an ethnicity, the share where they differ.",
    ),
    KpiSpec(
        "headcount",
        "Headcount",
        "count",
        "People employed on the as-of date (hired on or before it, not yet left).",
    ),
    KpiSpec(
        "hires_12m",
        "Hires (12 months)",
        "count",
        "People hired in the 365 days up to the as-of date, whether or not they are still "
        "employed.",
    ),
    KpiSpec(
        "separations_12m",
        "Separations (12 months)",
        "count",
        "People whose employment ended in the 365 days up to the as-of date; a termination "
        "dated on the as-of date counts.",
    ),
    KpiSpec(
        "turnover_rate_12m",
        "Turnover (12 months)",
        "rate",
        "Separations in the last 365 days divided by the average of the headcounts 365 days "
        "ago and today: leavers per average head, which can exceed 100%.",
    ),
    KpiSpec(
        "voluntary_turnover_rate_12m",
        "Voluntary turnover (12 months)",
        "rate",
        "The same as turnover, counting only the people who left of their own accord "
        "(termination reason voluntary).",
    ),
    KpiSpec(
        "engagement_score_avg",
        "Engagement score",
        "score",
        "The mean engagement score (1-5) of the people employed on the as-of date who took a "
        "survey in the last 365 days, each counted once with their latest score.",
    ),
    KpiSpec(
        "engagement_favorable_share",
        "Favourable engagement",
        "rate",
        "Share of those surveyed (as for the engagement score) whose latest score is 4 or more.",
    ),
    KpiSpec(
        "representation_share",
        "Share of the workforce",
        "rate",
        "A gender or ethnicity group's share of the people employed on the as-of date.",
    ),
    KpiSpec(
        "leadership_representation_share",
        "Share of leadership",
        "rate",
        "A group's share of the leaders employed on the as-of date: people at job level 7 or "
        "above on that date.",
    ),
)

SPECS_BY_KPI: dict[str, KpiSpec] = {s.kpi: s for s in SPECS}

#: The four-fifths rule of thumb (US EEOC): a selection ratio below this flags
#: possible adverse impact. A presentation threshold, not a KPI.
FOUR_FIFTHS = 0.8


def spec(kpi: str) -> KpiSpec:
    """The spec of a KPI; a KPI the dictionary adds later still shows, as a plain number."""
    return SPECS_BY_KPI.get(kpi) or KpiSpec(kpi, kpi.replace("_", " ").capitalize(), "mean", "")
