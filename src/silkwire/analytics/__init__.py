"""Analytics over stored facts: country relations (dyads) and timelines."""
