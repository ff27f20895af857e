"""Ingestion: read a drop, quarantine bad rows, load typed raw tables."""
