"""Shared basics every layer may import: the clock, the domain vocabulary and its errors,
settings and file locations, and the plain helpers for showing text and times.

They import nothing else of ``itsm_tui``: no workflow, no storage, no front door.
"""
