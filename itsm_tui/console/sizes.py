"""How much the console reads at a time: a queue page, the alerts the inbox shows.

Apart from the widgets that show them: the forked first read (``itsm_tui.console.start``, which
loads no Textual) reads the dashboard's first page and alerts in these same amounts.
"""

#: A queue page: the rows the ticket table fetches at a time (the dashboard's "My tickets").
PAGE = 100
#: The alerts the inbox shows.
ALERTS_SHOWN = 20
#: The callers and the CIs that intake's lookups list as you type (what fits beside the form).
CALLER_MATCHES = 8
CI_MATCHES = 5
