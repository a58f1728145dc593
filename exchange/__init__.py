"""The top floor: JSON data exchange of whole townships (EXCHANGE.md) and the demo data.

    exchange.importer.township_import(*, actor, document, actor_name="") -> ImportResult
    exchange.exporter.township_export(*, townships) -> dict
    exchange.document.document_dumps(document) -> str   # the canonical text of a document

The management commands `import_township`, `export_township` and `seed_demo` and the web
upload page are thin wrappers around these. This app may import every other app; none imports it.
"""
