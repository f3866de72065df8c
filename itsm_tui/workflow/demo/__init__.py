"""Deterministic demo data at the customer's scale: ``load_demo(site, actor, tickets=…)``.

A Chinese government IT department — three support tiers, two machine rooms, ~1,000 callers in
~25 departments, business systems and their servers — and a year of incidents and service
requests with a realistic rhythm, so every screen, report and benchmark has something true to
show. ``vocabulary`` and ``issues`` hold the words; ``catalog`` and ``people`` write the
reference data; ``rhythm`` decides when tickets arrive; ``tickets`` streams their rows (and a
journal the workflow would have written); ``epoch`` and ``writing`` turn them into driver values
and bulk inserts; ``loader`` ties it into one permission-checked, journaled transaction.
"""

from itsm_tui.workflow.demo.loader import DemoSummary, load_demo

__all__ = ["DemoSummary", "load_demo"]
