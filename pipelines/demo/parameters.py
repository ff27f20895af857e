"""The demo organisation's planted parameters: the "truth" the analytics must recover.

Everything the generator assumes about how people are hired, leave, get promoted,
feel about work and join the mentoring programs is here, in one frozen object
that ``ground_truth.json`` publishes verbatim, so a test or an analyst can read
what was planted next to what the KPIs found.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Parameters:
    """Planted parameters (rates are annual probabilities unless the name says otherwise)."""

    history_years: int = 6
    """Years of HR history before the as-of date."""
    mentoring_years: int = 3
    """The first program starts this many years before the as-of date (1st of that month)."""
    initial_share: float = 0.47
    """Share of the people in ``employees.csv`` already employed when the history starts;
    the rest are hired during it (chosen so headcount stays roughly flat)."""
    hiring_growth: float = 0.03
    """Yearly growth of the hiring rate over the history."""
    high_performer_share: float = 0.30
    """Share of people whose performance band is ``high`` (a fixed trait: their ratings are
    always 4 or 5, everyone else's 1 to 3)."""

    attrition_high: float = 0.06
    """Annual probability of leaving (not retirement) of a high performer, before
    department factors and participation."""
    attrition_other: float = 0.22
    """The same for everyone else (``other`` band, rated or not)."""
    attrition_department_factor: dict[str, float] = field(
        default_factory=lambda: {
            "Customer Support": 1.3,
            "Sales": 1.2,
            "Operations": 1.0,
            "Engineering": 0.9,
            "Product": 0.9,
            "Marketing": 1.0,
            "Finance": 0.8,
            "Human Resources": 0.9,
        }
    )
    """Hazard factor by the department a person had when their history started."""
    attrition_multiplier_mentee: float = 0.5
    """Attrition hazard multiplier from a person's mentee t0 on (for good)."""
    attrition_multiplier_mentor: float = 0.5
    """The same from the mentor t0 on; both roles multiply."""
    involuntary_share_high: float = 0.10
    """Share of non-retirement exits that are involuntary, for high performers."""
    involuntary_share_other: float = 0.35
    """The same for everyone else."""
    other_reason_share: float = 0.03
    """Share of non-retirement exits recorded with reason ``other``."""

    promotion_high: float = 0.30
    """Annual promotion probability of a high performer at level 1; it falls linearly to
    1/14 of that at level 14 (nobody is promoted past 15): the pyramid."""
    promotion_other: float = 0.10
    """The same for everyone else."""
    promotion_uplift_mentee: float = 1.8
    """Multiplier on the monthly promotion probability after the mentee t0."""
    promotion_uplift_mentor: float = 1.4
    """The same after the mentor t0; both roles multiply."""
    promotion_cooldown_days: int = 365
    """No promotion within this many days of the previous one."""
    first_promotion_after_days: int = 180
    """No promotion in a person's first days."""
    transfer_rate: float = 0.04
    """Annual probability of a transfer to another department (same level)."""
    demotion_rate_other: float = 0.008
    """Annual probability of a demotion for the ``other`` band at levels 3 and up (high
    performers are never demoted; nobody is in the 365 days after a t0)."""
    other_change_rate: float = 0.02
    """Annual probability of a job-history row of type ``other`` (same level and department)."""

    engagement_mean: float = 3.55
    """Mean person engagement baseline (1..5 scale)."""
    engagement_high_bonus: float = 0.25
    """Added to the baseline of high performers."""
    engagement_person_sd: float = 0.45
    engagement_noise_sd: float = 0.35
    engagement_trend_per_year: float = -0.04
    """Organisation-wide drift, so a before/after change alone is not an effect."""
    engagement_uplift_mentee: float = 0.35
    """Added to every survey score dated at least ``engagement_lag_days`` after the mentee t0."""
    engagement_uplift_mentor: float = 0.25
    """The same after the mentor t0; both roles add."""
    engagement_lag_days: int = 90
    survey_response_rate: float = 0.85

    selection_odds_ratio_high: float = 3.0
    """Odds ratio of joining a program (either role) for a person whose performance band at
    the invitation date is ``high`` versus anyone else (``other`` or ``unrated``)."""
    selection_department_factor: dict[str, float] = field(
        default_factory=lambda: {
            "Customer Support": 0.7,
            "Sales": 0.9,
            "Operations": 1.0,
            "Engineering": 1.2,
            "Product": 1.2,
            "Marketing": 1.0,
            "Finance": 1.0,
            "Human Resources": 1.3,
        }
    )
    """Odds factor of joining by current department (the story: Support joins less)."""
    selection_female_mentee_factor: float = 1.2
    """Odds factor for women joining as mentees."""
    selection_female_mentor_factor: float = 0.8
    """Odds factor for women joining as mentors (the story: fewer women mentor)."""

    def as_json(self) -> dict[str, object]:
        """The parameters as a JSON-ready dict."""
        return asdict(self)
