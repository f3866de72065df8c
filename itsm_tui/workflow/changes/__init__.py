"""Change management: requests for change (RFC) from draft to closed, the CAB's approvals, the
risk computed from the CMDB, conflicts, freeze windows and the post-implementation review.

The package's modules are imported by name (``from itsm_tui.workflow.changes import
lifecycle``): ``workflow.site_settings`` reads ``changes.settings``, so this file imports
nothing that reads the site's settings back.
"""
