"""auditor: a consistency auditor for Chinese government budget disclosures.

The Python API is `auditor.api` (audit, read_documents, claims, tables). `auditor.claims` and
`auditor.tables` are the modules that do the work, so the API functions of those names are not
re-exported here: the first import of either module would replace them.
"""
from auditor import api
from auditor.api import audit, read_documents

__all__ = ["api", "audit", "read_documents"]
__version__ = "0.1.0"
