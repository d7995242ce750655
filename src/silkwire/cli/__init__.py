"""The ``silkwire`` command line: common.py (shared options and errors) + one module per command group."""
