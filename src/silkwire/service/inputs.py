"""Reading inputs of any kind for the ingest use case: files, directories, globs, standard input
(``ingest.read_paths``) and http(s) URLs, fetched through the safe fetcher (``net.Fetcher``, the
one network seam) and read as a feed or a page. ``articles.ingest`` reads through here; the watch
use case fetches its sources with ``fetch_items``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from silkwire.errors import InputError, InputWarning
from silkwire.ingest import Format, document_kind, read_document, read_paths
from silkwire.ingest.documents import describe_body
from silkwire.ingest.limits import DEFAULT_LIMITS, Limits, checked
from silkwire.model import Article
from silkwire.net import Fetched, Fetcher, FetchError, Validators

Item = Article | InputError | InputWarning


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://")) or "://" in path[:12]


def url_source(url: str) -> str:
    """The source recorded for a URL given without ``--source``: its host, without www."""
    host = urlsplit(url).hostname or "web"
    return host.removeprefix("www.")


def fetch_items(fetcher: Fetcher, url: str, *, kind: str = "auto", source: str | None = None,
                allow_private: bool = False, validators: Validators | None = None,
                limits: Limits = DEFAULT_LIMITS) -> tuple[Fetched, list[Item]]:
    """Fetch a feed or page and read it; a 304 gives no items. Raises ``FetchError``."""
    fetched = fetcher.get(url, allow_private=allow_private, validators=validators)
    if fetched.not_modified:
        return fetched, []
    found = document_kind(fetched.content, fetched.content_type, fetched.url, kind)
    if found is None:
        raise FetchError(url, "expected an RSS/Atom feed or an HTML page, got "
                              f"{describe_body(fetched.content, fetched.content_type)}", fetched.status)
    items = [checked(item, limits, url) if isinstance(item, Article) else item
             for item in read_document(fetched.content, found, source or url_source(url), url, fetched.url)]
    return fetched, items


def read_inputs(paths: Iterable[str], fmt: Format, source: str | None, fetcher: Fetcher,
                allow_private: bool = False, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Files as ``silkwire ingest`` reads them, and URLs fetched (feeds and pages)."""
    for path in paths:
        if not is_url(path):
            yield from read_paths([path], fmt, source, limits)
            continue
        try:
            _, items = fetch_items(fetcher, path, kind=fmt if fmt in ("feed", "page") else "auto",
                                   source=source, allow_private=allow_private, limits=limits)
        except FetchError as exc:
            yield InputError(path, exc.message)
            continue
        yield from items
