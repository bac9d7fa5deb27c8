"""Findings -> what people read: console summaries, JSON/CSV, HTML."""
