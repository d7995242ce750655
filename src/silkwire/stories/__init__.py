"""Duplicates (``dedup``, ``shingles``) and stories (``cluster``, ``bcubed``): pure algorithms, no database."""
