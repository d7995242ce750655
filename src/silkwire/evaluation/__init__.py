"""Scorers against gold data: facts, time, events, B-cubed (stories), entity mentions (ner)."""
