"""The knowledge base: countries, people and their roles, organisations, regions, places — data
in ``silkwire/knowledge/*.tsv`` (reviewed like code), read by ``files`` (the TSV reader and the
merge of users' files), typed by ``records`` (``load_kb``), and ``roles`` (who held which office
when, from the text and the knowledge base).
"""

from silkwire.nlp.kb.records import (
    Country,
    GazetteerPlace,
    KnowledgeBase,
    Org,
    Person,
    Role,
    StopForm,
    build_kb,
    load_kb,
    plural_forms,
)

__all__ = [
    "Country",
    "GazetteerPlace",
    "KnowledgeBase",
    "Org",
    "Person",
    "Role",
    "StopForm",
    "build_kb",
    "load_kb",
    "plural_forms",
]
