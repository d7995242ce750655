"""The bundled demo corpus (data files only)."""
