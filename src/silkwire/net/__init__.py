"""The network engine: the one place silkwire talks HTTP (``Fetcher``), with its safety rules."""

from silkwire.net.fetcher import Fetched, Fetcher, FetchPolicy, Validators
from silkwire.net.safety import FetchError, RefusedError

__all__ = ["FetchError", "FetchPolicy", "Fetched", "Fetcher", "RefusedError", "Validators"]
