"""Signalements: intake, tracking, photos, grouping by spot, triage and export (docs/reports.md)."""
