"""The stories of two versions of the story pass compared (issue 16: the candidate postings
bounded by the window): each version dumps its memberships with its own venv, then the second
is scored against the first as B-cubed precision, recall and F1 (the first taken as the
reference), with the stories made and the articles whose story differs.

    python bench/stories_window.py dump OUT.json --demo            # the demo, ingested, rebuild_stories
    python bench/stories_window.py dump OUT.json --db PATH         # a copy of a database, rebuild_stories
    python bench/stories_window.py dump OUT.json --replicated N    # the stream alone, scale_million's corpus
    python bench/stories_window.py compare REFERENCE.json OTHER.json

``--demo`` and ``--db`` run the real path (``service.stories.rebuild_stories``: enriched facts
where the database has them, undated articles included) on a scratch copy, never on the file
given; ``--replicated`` the ``StoryStream`` alone over ``bench/scale_million.py``'s replicated
OrangeSum corpus (text and dates only, as ``bench/stories_growth.py``). Memberships are keyed
by article id (canonical articles: the copies attached to a story are left out).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # scale_million's throw-away server module
sys.path.insert(0, str(ROOT / "bench"))


def _stored(ws: Any) -> dict[str, str]:
    return {r[0]: r[1] for r in ws.store.db.execute(
        "SELECT a.id, s.story_id FROM story_articles s JOIN articles a ON a.rowid = s.article_rowid "
        "WHERE s.day IS NOT NULL")}


def from_store(db: str | None) -> dict[str, str]:
    from silkwire.service import articles as service
    from silkwire.service import stories as storylines

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "stories.db")
        if db is not None:
            shutil.copy(db, path)
        with service.open_workspace(path, create=db is None) as ws:
            if db is None:
                service.ingest(ws, service.demo_files())
            storylines.rebuild_stories(ws)
            return _stored(ws)


def from_stream(n: int) -> dict[str, str]:
    from ingest_search import load_corpus
    from scale_million import replicas
    from silkwire.stories import stream
    from silkwire.stories.cluster import StoryItem, vocabulary_of

    items = [StoryItem(key=r["id"], text=r["lead"], title=r["title"], day=r["published"])
             for r in replicas(load_corpus(), n)]
    order = sorted(range(n), key=lambda i: (items[i].day or "", i))
    bags = [stream.bag(it, 800) for it in items]
    s = stream.StoryStream(vocabulary_of(bags))
    out = {}
    for i in order:
        for e in s.add(i, items[i], bags[i]):
            if isinstance(e, tuple):
                out[items[e[0]].key] = e[1]
    return out


def compare(reference: dict[str, str], other: dict[str, str]) -> dict[str, Any]:
    from silkwire.evaluation.bcubed import bcubed

    score = bcubed(other, reference)
    # articles whose story (as a set of articles) is not the same on both sides
    groups_ref: dict[str, set[str]] = {}
    groups_other: dict[str, set[str]] = {}
    keys = sorted(set(reference) & set(other))
    for k in keys:
        groups_ref.setdefault(reference[k], set()).add(k)
        groups_other.setdefault(other[k], set()).add(k)
    moved = sum(1 for k in keys if groups_ref[reference[k]] != groups_other[other[k]])
    sizes = Counter(len(g) for g in groups_other.values())
    return {**{k: round(v, 5) if isinstance(v, float) else v for k, v in score.items()},
            "articles only on one side": len(set(reference) ^ set(other)),
            "stories": [len(groups_ref), len(groups_other)],
            "articles in a story not the same": moved, "stories of one (other)": sizes[1]}


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "compare":
        ref, other = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:])
        print(json.dumps(compare(ref, other)))
        return 0
    if len(argv) in (3, 4) and argv[0] == "dump":
        t = time.perf_counter()
        if argv[2] == "--demo":
            got = from_store(None)
        elif argv[2] == "--db" and len(argv) == 4:
            got = from_store(argv[3])
        elif argv[2] == "--replicated" and len(argv) == 4:
            got = from_stream(int(argv[3]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
        Path(argv[1]).write_text(json.dumps(got), encoding="utf-8")
        print(f"{len(got)} articles, {len(set(got.values()))} stories, {time.perf_counter() - t:.1f} s")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
