"""Typed Parquet schemas of the three exports, and a streaming writer (one row group per batch).

pyarrow is imported when this module is, and this module only when Parquet is asked for, so
the other exports (and every other command) never pay for it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any

# The C++ writer allocates from Arrow's default pool, chosen once per process from this variable
# (set before pyarrow loads; a value the user set wins). See ParquetRows for the measurement.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import pyarrow as pa
import pyarrow.parquet as pq

from silkwire.export.rows import ENTITY_COLUMNS

_SPAN = pa.list_(pa.int32())
_STRINGS = pa.list_(pa.string())
_AMOUNT = pa.struct([("text", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
                     ("kind", pa.string()), ("span", _SPAN)])

RECORD_SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("url", pa.string()), ("published", pa.string()),
    ("published_estimated", pa.bool_()), ("ref", pa.string()), ("title", pa.string()), ("text", pa.string()),
    ("countries", pa.list_(pa.struct([("code", pa.string()), ("how", _STRINGS), ("spans", pa.list_(_SPAN))]))),
    ("entities", pa.list_(pa.struct([
        ("id", pa.string()), ("type", pa.string()), ("name", pa.string()), ("country", pa.string()),
        ("wikidata", pa.string()), ("aliases", _STRINGS), ("spans", pa.list_(_SPAN)),
        ("confidence", pa.float64())]))),
    ("places", pa.list_(pa.struct([
        ("name", pa.string()), ("geonameid", pa.int64()), ("country", pa.string()), ("lat", pa.float64()),
        ("lon", pa.float64()), ("spans", pa.list_(_SPAN))]))),
    ("roles", pa.list_(pa.struct([
        ("span", _SPAN), ("role", pa.string()), ("of", pa.string()), ("person", pa.string()),
        ("name", pa.string()), ("inferred", pa.bool_())]))),
    ("dates", pa.list_(pa.struct([
        ("text", pa.string()), ("value", pa.string()), ("grain", pa.string()), ("kind", pa.string()),
        ("anchor", pa.string()), ("span", _SPAN)]))),
    ("event_date", pa.string()), ("status", pa.string()),
    ("amounts", pa.list_(_AMOUNT)),
    ("events", pa.list_(pa.struct([
        ("type", pa.string()), ("mode", pa.string()), ("source", _STRINGS), ("target", _STRINGS),
        ("source_entities", _STRINGS), ("target_entities", _STRINGS),
        ("date", pa.string()), ("status", pa.string()), ("place", pa.string()), ("trigger", _SPAN),
        ("evidence", _SPAN), ("confidence", pa.float64()), ("amounts", pa.list_(_AMOUNT))]))),
    ("topics", pa.list_(pa.struct([("code", pa.string()), ("label", pa.string()), ("score", pa.float64())]))),
    ("duplicate_of", pa.string()),
    ("story", pa.string()),  # the story id (an object story is kept as JSON text)
    ("corrected", pa.bool_()),  # an analyst corrected its facts (``corrections`` in extra_json says how)
    ("extra_json", pa.string()),  # record fields this schema does not know yet, as one JSON object
])

EVENT_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("article_published", pa.string()), ("article_title", pa.string()),
    ("n", pa.int32()), ("main", pa.bool_()), ("type", pa.string()), ("mode", pa.string()),
    ("source", _STRINGS), ("target", _STRINGS), ("source_names", _STRINGS), ("target_names", _STRINGS),
    ("source_entities", _STRINGS), ("target_entities", _STRINGS), ("date", pa.string()), ("status", pa.string()),
    ("place", pa.string()), ("place_geonameid", pa.int64()), ("place_country", pa.string()),
    ("lat", pa.float64()), ("lon", pa.float64()), ("trigger", _SPAN), ("trigger_text", pa.string()),
    ("evidence", _SPAN), ("evidence_text", pa.string()), ("confidence", pa.float64()),
    ("amounts", pa.list_(_AMOUNT)), ("corrected", pa.bool_()),
])

_ENTITY_TYPES = {"articles": pa.int64(), "mentions": pa.int64()}
ENTITY_SCHEMA = pa.schema([(c, _ENTITY_TYPES.get(c, pa.string())) for c in ENTITY_COLUMNS])

SCHEMAS = {"records": RECORD_SCHEMA, "events": EVENT_SCHEMA, "entities": ENTITY_SCHEMA}


class ParquetRows:
    """Rows in, row groups out: ``batch`` rows are held at a time, never the whole export.

    Arrow buffers come from the system allocator, not pyarrow's default (mimalloc): measured on
    OrangeSum (bench/export.py), mimalloc kept freed batches, so the peak grew with the export
    (133 -> 153 MB from 25% to 100% of the corpus; 117 -> 128 MB with the system allocator)."""

    def __init__(self, stream: IO[bytes], what: str, batch: int = 1000) -> None:
        self.schema = SCHEMAS[what]
        self.struct = pa.struct(list(self.schema))
        self.what = what
        self.batch = batch
        self.pending: list[Mapping[str, Any]] = []
        self.pool = pa.system_memory_pool()
        self.writer = pq.ParquetWriter(stream, self.schema, compression="zstd", memory_pool=self.pool)

    def write(self, row: Mapping[str, Any]) -> None:
        self.pending.append(self._shape(row) if self.what == "records" else row)
        if len(self.pending) >= self.batch:
            self._flush()

    def close(self) -> None:
        self._flush()
        self.writer.close()

    def abort(self) -> None:
        """Release the writer after a failure, while its stream is still open (the file is dropped)."""
        self.pending = []
        with contextlib.suppress(OSError, ValueError, pa.ArrowException):
            self.writer.close()

    def _flush(self) -> None:
        if self.pending:
            rows = pa.array(self.pending, type=self.struct, memory_pool=self.pool)
            self.writer.write_batch(pa.RecordBatch.from_struct_array(rows))
            self.pending = []

    def _shape(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as the schema's columns: a story object as JSON, unknown fields in extra_json."""
        names: Sequence[str] = self.schema.names
        row = {k: v for k, v in record.items() if k in names}
        story = record.get("story")
        if story is not None and not isinstance(story, str):
            row["story"] = json.dumps(story, ensure_ascii=False)
        row["corrected"] = bool(record.get("corrections"))
        extra = {k: v for k, v in record.items() if k not in names}
        row["extra_json"] = json.dumps(extra, ensure_ascii=False) if extra else None
        return row
