"""The REST API (FastAPI) over ``silkwire.service.articles``: ``create_app(ApiSettings(db_path=...))``."""

from silkwire.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]
