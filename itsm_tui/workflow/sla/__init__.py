"""Service-level management: business calendars, SLA policies, ticket clocks, alerts, escalation.

Modules (import them directly; this package imports nothing so the ticket workflow can use
``sla.clock`` without an import cycle):

* ``config``  — policies and calendars as the site configures them; which policy wins.
* ``clock``   — a ticket's response, resolution and tier clocks, derived from its journal;
  ``refresh`` is called on every ticket change.
* ``scan``    — the periodic scan: thresholds due → alerts (exactly once), automatic tier
  escalation, the notification outbox; auto-close of resolved tickets.
* ``outbox``  — delivering queued notifications with retry and back-off.
* ``service`` — what the front doors call: deadline what-ifs, calendar arithmetic, status and
  explain, policy and calendar editing, the alert inbox, queue progress.
"""
