"""The configuration management database: CIs of a dozen classes, typed relationships,
documents, impact analysis in the database, and bulk import / export.

Modules: ``classes`` (the class, attribute and relationship tables), ``fields`` (checking a
CI's fields), ``items`` (one CI at a time), ``relations`` (link / unlink), ``impact`` (what a
failure hits), ``importing`` and ``exporting`` (files, in bulk).
"""

from itsm_tui.workflow.cmdb.impact import ImpactReport, ServicesAtStake, analyse, services_at_stake
from itsm_tui.workflow.cmdb.items import (
    CIDetail,
    CIView,
    add_ci,
    attach_document,
    lookup_cis,
    search_cis,
    show_ci,
    update_ci,
)
from itsm_tui.workflow.cmdb.relations import LinkView, link, unlink

__all__ = [
    "CIDetail",
    "CIView",
    "ImpactReport",
    "LinkView",
    "ServicesAtStake",
    "add_ci",
    "analyse",
    "attach_document",
    "link",
    "lookup_cis",
    "search_cis",
    "services_at_stake",
    "show_ci",
    "unlink",
    "update_ci",
]
