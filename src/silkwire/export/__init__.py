"""Export engine: article records -> JSONL, CSV, Parquet and GeoJSON rows, written as a stream;
and the digest's plain data and its Markdown/HTML renderings. Imports only ``silkwire.model``
level code and its own dependencies (pyarrow, lazily)."""
