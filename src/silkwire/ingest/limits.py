"""Size limits on input, enforced while streaming, so memory stays bounded whatever the input.

A line over ``max_line_bytes`` is skipped without being held (its bytes are read and dropped up
to the next newline); an article over ``max_article_chars`` is rejected; a gzip file stops being
read once it has given ``max_uncompressed`` bytes (a gzip bomb: 28 MB that unpack to 6 GB); a
feed or page read whole stops at ``max_document_bytes``. Each is one ``InputError`` naming the
file and line and the option that raises the limit; everything before (and, for a line or an
article, after) still goes in.

Defaults: a news item is a few KB (an OrangeSum article with its body: 3 KB on average, 60 KB at
most), and silkwire's own export record of a long article with all its facts stays under 1 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

from silkwire.errors import InputError
from silkwire.model import Article


@dataclass(frozen=True, slots=True)
class Limits:
    max_line_bytes: int = 2_000_000  # one line of a listing, JSONL or CSV file
    max_article_chars: int = 200_000  # the text of one article (title and body)
    max_uncompressed: int = 2_000_000_000  # bytes one .gz file may unpack to
    max_document_bytes: int = 20_000_000  # a feed or HTML page file (parsed whole)

    def __post_init__(self) -> None:
        for name in ("max_line_bytes", "max_article_chars", "max_uncompressed", "max_document_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} {getattr(self, name)}: expected a positive number")


DEFAULT_LIMITS = Limits()


class TooLarge(OSError):
    """Raised by a capped stream past its limit; readers turn it into an ``InputError``."""

    def __init__(self, limit: int, option: str) -> None:
        super().__init__(f"more than {limit:,} bytes once decompressed (raise it with {option})")
        self.limit = limit
        self.option = option


def checked(article: Article, limits: Limits, origin: str) -> Article | InputError:
    """The article, or an ``InputError`` when its text is over ``max_article_chars``."""
    if len(article.text) <= limits.max_article_chars:
        return article
    return InputError(article.origin or origin, f"article of {len(article.text):,} characters, more than "
                                                f"{limits.max_article_chars:,} (--max-article-chars); skipped")
