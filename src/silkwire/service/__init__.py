"""Use cases: one module per use case, named by its noun (see docs/development.md)."""
