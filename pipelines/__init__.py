"""Mentorship analytics: the nightly pipeline (ingestion, dbt, quality checks, reports)."""

__version__ = "0.1.0"
