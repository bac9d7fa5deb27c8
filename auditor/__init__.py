"""auditor: a consistency auditor for Chinese government budget disclosures."""
from auditor.api import claims, read_documents, tables

__all__ = ["claims", "read_documents", "tables"]
__version__ = "0.1.0"
