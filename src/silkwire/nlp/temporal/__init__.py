"""French temporal tagger: time expressions found, resolved to ISO 8601 values, and the date and
status (done | planned) of an article's main event. See tagger.py and status.py.
"""

from silkwire.nlp.temporal.status import event_date_and_status
from silkwire.nlp.temporal.tagger import tag_dates

__all__ = ["event_date_and_status", "tag_dates"]
