"""The face to Great Expectations of one expectation of the rule registry (auditor.rules.EXPECTATIONS):
its name, description, and the rules it judges come from there (expectations._base.face)."""
from expectations._base import face

ExpectTablesToBeComplete = face("tables_complete")
