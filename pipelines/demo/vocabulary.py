"""The words the demo organisation is made of: departments, titles, places, names, comments.

All fake. Values are kept in mixed case on purpose: the KPIs compare group values
trimmed and lower-cased, and the demo should exercise that.
"""

from __future__ import annotations

import numpy as np

#: (department, share of hires, job family noun, chief title)
DEPARTMENTS: tuple[tuple[str, float, str, str], ...] = (
    ("Engineering", 0.24, "Software Engineer", "Chief Technology Officer"),
    ("Sales", 0.18, "Account Executive", "Chief Revenue Officer"),
    ("Customer Support", 0.15, "Support Specialist", "Chief Customer Officer"),
    ("Operations", 0.13, "Operations Analyst", "Chief Operating Officer"),
    ("Product", 0.08, "Product Manager", "Chief Product Officer"),
    ("Marketing", 0.08, "Marketing Specialist", "Chief Marketing Officer"),
    ("Finance", 0.07, "Financial Analyst", "Chief Financial Officer"),
    ("Human Resources", 0.07, "HR Partner", "Chief People Officer"),
)
DEPARTMENT_NAMES: tuple[str, ...] = tuple(d[0] for d in DEPARTMENTS)
DEPARTMENT_SHARES: np.ndarray = np.array([d[1] for d in DEPARTMENTS])

LOCATIONS: tuple[str, ...] = ("London", "New York", "Berlin", "Toronto", "Singapore", "Remote")
LOCATION_SHARES: np.ndarray = np.array([0.28, 0.24, 0.16, 0.12, 0.08, 0.12])

#: Gender values; ``None`` is undisclosed (an empty cell).
GENDERS: tuple[str | None, ...] = ("Female", "Male", "Non-binary", None)
GENDER_SHARES: np.ndarray = np.array([0.47, 0.47, 0.015, 0.045])

#: Ethnicity values; ``None`` is undisclosed.
ETHNICITIES: tuple[str | None, ...] = (
    "White",
    "Asian",
    "Black",
    "Hispanic or Latino",
    "Two or More Races",
    None,
)
ETHNICITY_SHARES: np.ndarray = np.array([0.42, 0.20, 0.12, 0.12, 0.04, 0.10])

#: A group value held by exactly ``SMALL_GROUP_SIZE`` people, all employed on the as-of
#: date, at every size: the KPIs must suppress it (fewer than 5).
SMALL_ETHNICITY = "Native Hawaiian or Pacific Islander"
SMALL_GROUP_SIZE = 3


def job_titles() -> np.ndarray:
    """Job title by ``department * 16 + level`` (level 1..15; index 0 unused)."""
    titles = np.empty(len(DEPARTMENTS) * 16, dtype=object)
    for d, (name, _, noun, chief) in enumerate(DEPARTMENTS):
        by_level = {
            1: f"Associate {noun}",
            2: f"Associate {noun}",
            3: noun,
            4: noun,
            5: f"Senior {noun}",
            6: f"Senior {noun}",
            7: f"Lead {noun}",
            8: f"Principal {noun}",
            9: f"{name} Manager",
            10: f"Senior {name} Manager",
            11: f"Director of {name}",
            12: f"Senior Director of {name}",
            13: f"Vice President, {name}",
            14: f"Senior Vice President, {name}",
            15: chief,
        }
        titles[d * 16] = None
        for level, title in by_level.items():
            titles[d * 16 + level] = title
    return titles


FIRST_NAMES_FEMALE: tuple[str, ...] = (
    "Olivia", "Amelia", "Sofia", "Maria", "Aisha", "Mei", "Priya", "Fatima", "Hannah",
    "Chloe", "Elena", "Yuki", "Grace", "Zara", "Lucia", "Ingrid", "Nadia", "Amara",
    "Emma", "Julia", "Leila", "Ana", "Chiara", "Freya", "Keiko", "Naledi", "Rosa",
    "Sara", "Tara", "Valentina",
)  # fmt: skip
FIRST_NAMES_MALE: tuple[str, ...] = (
    "Liam", "Noah", "Mateo", "Arjun", "Wei", "Omar", "Lucas", "Kwame", "Hiroshi",
    "Daniel", "Ethan", "Jonas", "Diego", "Samuel", "Ravi", "Felix", "Tomasz", "Malik",
    "Oliver", "Luca", "Hugo", "Ibrahim", "Kenji", "Marco", "Nikolai", "Pedro", "Rafael",
    "Stefan", "Tariq", "Yusuf",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Garcia", "Chen", "Patel", "Okafor", "Nguyen", "Müller", "Rossi", "Kim",
    "Silva", "Kowalski", "Haddad", "Johnson", "Tanaka", "Dubois", "Mensah", "Ivanova",
    "O'Brien", "Fernández", "Singh", "Andersson", "Cohen", "Brown", "Khan", "Lopez",
    "Martin", "Novak", "Osei", "Park", "Quinn", "Reyes", "Schmidt", "Takahashi",
    "Usman", "Virtanen", "Walker", "Xu", "Yilmaz", "Zhang", "Bianchi",
)  # fmt: skip

#: Feedback comments by learning score (index 0 unused); free text, personal data.
COMMENTS: tuple[tuple[str, ...], ...] = (
    (),
    (
        "We struggled to find time; not much came of it.",
        "Sessions kept getting cancelled, I did not get much out of it.",
    ),
    (
        "Some useful pointers, but we never really clicked.",
        "Good intentions, little follow-through on both sides.",
    ),
    (
        "Solid conversations, a couple of practical takeaways.",
        "Helpful for navigating the organisation.",
    ),
    (
        "I learned a lot about how other teams work, and so did my counterpart.",
        "Really valuable: honest feedback, and new perspectives on my own work.",
        "Great sparring partner; we both changed how we run our meetings.",
    ),
    (
        "Eye-opening. I am now doing things I would not have tried a year ago.",
        "The best development experience I have had here, for both of us.",
    ),
)
