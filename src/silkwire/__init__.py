"""silkwire: an offline, French-native news intelligence engine for Central Asia."""

__version__ = "0.1.0"
