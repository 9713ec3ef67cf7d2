"""SQLite storage: one numbered migration list (``migrations.py``) for every table.

``Store`` is the conversation database; ``Database`` opens and migrates any of Sova's
SQLite files (the document registry in ``rag/registry.py`` uses it too).
"""

from app.core.store.conversations import Store
from app.core.store.db import Database, StoreError
from app.core.store.migrations import DOCUMENTS, MAIN, MIGRATIONS, Migration, latest_version

__all__ = ["DOCUMENTS", "MAIN", "MIGRATIONS", "Database", "Migration", "Store", "StoreError", "latest_version"]
