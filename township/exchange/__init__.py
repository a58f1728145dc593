"""JSON data exchange of whole townships (EXCHANGE.md): import and export.

    township_import(*, actor, document, actor_name="") -> ImportResult
    township_export(*, townships) -> dict
    document_dumps(document) -> str      # the canonical text of a document

The management commands `import_township` and `export_township` and the web upload page are thin
wrappers around these functions.
"""

from township.exchange.document import FORMAT, document_dumps
from township.exchange.exporter import township_export
from township.exchange.importer import ImportResult, TownshipImportCounts, township_import

__all__ = [
    "FORMAT",
    "ImportResult",
    "TownshipImportCounts",
    "document_dumps",
    "township_export",
    "township_import",
]
