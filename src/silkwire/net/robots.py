"""robots.txt, per RFC 9309: fetched once per site (and again after an hour), then obeyed.

A 4xx answer (no robots.txt) allows everything; a 5xx answer means "do not crawl for now"
(section 2.3.1.4), so the site is skipped until the cache entry expires; an unreachable
site fails on the fetch itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

TTL = 3600.0


class RobotsCache:
    def __init__(self, fetch_text: Callable[[str, bool], tuple[int, str]], agent: str,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._fetch_text = fetch_text
        self._agent = agent
        self._now = now
        self._cache: dict[str, tuple[float, RobotFileParser | int]] = {}

    def refusal(self, url: str, allow_private: bool) -> str | None:
        """Why robots.txt forbids this URL, or None when it may be fetched."""
        parts = urlsplit(url)
        site = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        entry = self._cache.get(site)
        if entry is None or self._now() - entry[0] > TTL:
            entry = (self._now(), self._load(f"{site}/robots.txt", allow_private))
            self._cache[site] = entry
        rules = entry[1]
        if isinstance(rules, int):
            if rules == 0:
                return None
            return f"refused: {site}/robots.txt answered HTTP {rules}, so the site asks not to be crawled for now"
        if rules.can_fetch(self._agent, url):
            return None
        return f"refused by {site}/robots.txt (user-agent {self._agent!r})"

    def _load(self, robots_url: str, allow_private: bool) -> RobotFileParser | int:
        """The rules, or 0 (everything allowed), or the 5xx status that forbids everything."""
        status, text = self._fetch_text(robots_url, allow_private)
        if 200 <= status < 300:
            parser = RobotFileParser(robots_url)
            parser.parse(text.splitlines())
            return parser
        if status >= 500:
            return status
        return 0  # 4xx: no robots.txt, no rules
