"""``itsm scheduler``: the long-running process behind periodic jobs (``jobs``) and the
notification channels it delivers through (``channels``)."""
