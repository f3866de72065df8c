"""itsm-tui: ITIL service management driven from the terminal."""

__version__ = "0.1.0"
