"""The Documents feature: the panel listing every indexed file with its live status.

    panel.py      DocumentsPanel: the widgets, the list's details, progress and actions
    indexing.py   its indexing half: jobs on the "ingest" lane, live status records
    model.py      DocumentsModel: one row per file, status texts
    delegate.py   how a row is painted
    passwords.py  password prompts for encrypted PDFs
    texts.py      collection names, failure reasons, time left
"""

from app.ui.documents.delegate import DocumentDelegate
from app.ui.documents.model import DocumentsModel
from app.ui.documents.panel import DocumentsPanel
from app.ui.documents.texts import collection_label, format_eta, translate_reason

__all__ = ["DocumentDelegate", "DocumentsModel", "DocumentsPanel", "collection_label", "format_eta",
           "translate_reason"]
