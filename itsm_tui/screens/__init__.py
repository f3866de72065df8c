"""Textual screens, one per file; they call workflow functions in workers and hold no rules."""
