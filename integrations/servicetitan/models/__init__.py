"""Typed ServiceTitan records, one module per area (``models.jpm.Job``, ``models.crm.Customer``).

``base`` holds the lenient response base (:class:`~.base.STModel`) and the strict request base
(:class:`~.base.STRequest`); the area modules are generated from the OpenAPI documents by
``_codegen``; ``undocumented`` covers responses the documents leave without a schema.
"""
