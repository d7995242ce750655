"""The French web interface: server-rendered pages on the API's app (see ``pages.install``)."""

from silkwire.web.pages import install

__all__ = ["install"]
