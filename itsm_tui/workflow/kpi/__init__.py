"""Key performance indicators for the KPI report: one module per section, each with its own
set-based query over an index range of the period, and the definitions below, written once.

Definitions (the README's glossary repeats them):

* **Period**: local calendar days of the site's time zone (``ITSM_TIMEZONE``), ``[start, end)``
  (``periods.py``). A ticket belongs to the period its instant falls in, in that zone.
* **Received**: tickets opened in the period, whatever became of them (cancelled included).
  Contacts by channel count the calls, walk-ins, e-mails … logged in the period.
* **Resolved in the period**: ``resolved_at`` in the period and the ticket still resolved or
  closed. A ticket reopened and not yet resolved again is not resolved; one resolved again
  counts in the period of its last resolution. Cancelled tickets are never resolved: they
  count as received and in no rate.
* **First-line resolved**: resolved at tier 1 without ever leaving it (``resolved_first_line``,
  set by the resolve operation; a reopen clears it). Rate = first-line resolved / resolved.
* **Escalation rate to tier 2 / tier 3**: of the tickets opened in the period and not
  cancelled, the share that ever left tier 1 / that stand at tier 3.
* **Reassignments per ticket**: the mean reassignment count of the tickets resolved in it.
* **Response time**: opening to first response (claim, first public reply or resolution), in
  business minutes of the calendar of the ticket's SLA policy; the response clock never
  pauses. Stored with the first response (``response_elapsed_min``). Counted for tickets
  opened in the period that have a first response.
* **Resolution time**: the resolution clock of the ticket as the SLA engine keeps it (business
  minutes; pauses for the customer or a vendor left out; after a reopen it continues), for
  tickets resolved in the period. Median and p90 are nearest-rank percentiles.
* **SLA compliance**: of the tickets resolved in the period that had a resolution deadline,
  the share resolved by it (response: answered by the response deadline).
* **Backlog**: tickets opened before the period's end and neither resolved nor cancelled by it.
  Age is counted from opening to the period's end. An earlier period's backlog (the
  comparison columns, the console's history) is read from the nightly snapshot taken at its
  end (``snapshots.py``), as the tickets stood then.
* **Reopen rate**: of the tickets resolved in the period, the share reopened at least once.
* **Business minutes lost per CI**: the resolution-clock minutes of the incidents that name the
  CI, opened in the period.

Every figure is read for the period, the period before it and the same period last year
(``report.py``). The counts of resolved tickets are summed from daily rollups of the days beyond
the reopen window, the rest of a period counted live with the same expressions
(``rollups.py``): equal to a live count, and the report says how far they reach.
"""
