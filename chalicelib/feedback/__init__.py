"""Feedback: post-chat survey, non-user survey, workshop volunteers (docs/reports.md)."""
