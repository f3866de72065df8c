"""How a CI's plain values read to people, said once for the console and the command line."""

from __future__ import annotations


def version_label(version: str) -> str:
    """A document's version as people write it: "v2.1" for ``2.1``, but ``v2.1`` and
    ``release-3.4`` as they were given — a "v" put before every version read "vv2.1" and
    "vrelease-3.4"."""
    version = version.strip()
    return f"v{version}" if version[:1].isdigit() else version


def attribute_label(name: str) -> str:
    """A class attribute's name as a field label: ``service_hours`` → "Service hours"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
