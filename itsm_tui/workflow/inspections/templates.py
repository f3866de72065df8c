"""Checklist templates in the database: import (a new version when the content changed),
export, list and show.

A version is never changed once written; a round keeps the version it started with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from itsm_tui.common.domain import ItemKind
from itsm_tui.common.errors import DomainError, Invalid, NotFound
from itsm_tui.common.i18n import N_
from itsm_tui.storage.tables import ConfigurationItem, InspectionItem, InspectionTemplate
from itsm_tui.workflow.context import Read, Tx, mutation, query
from itsm_tui.workflow.inspections.judging import Limits
from itsm_tui.workflow.inspections.spec import (
    ItemSpec,
    SpecErrors,
    TemplateRejected,
    TemplateSpec,
    check_format,
    dump,
    dump_yaml,
    parse,
)
from itsm_tui.workflow.inspections.views import TemplateRow
from itsm_tui.workflow.lookup import find_cis
from itsm_tui.workflow.permissions import Action


@dataclass(frozen=True)
class ImportResult:
    code: str
    version: int
    item_count: int
    created: bool  # False: the file equals the current version, nothing was written


def latest(session: Session, code: str) -> InspectionTemplate:
    """The newest version of checklist ``code``."""
    found = session.exec(
        select(InspectionTemplate)
        .where(InspectionTemplate.code == code)
        .order_by(col(InspectionTemplate.version).desc())
        .limit(1)
    ).first()
    if found is None:
        codes = session.exec(select(InspectionTemplate.code).distinct().limit(20)).all()
        raise NotFound(
            N_("No checklist {code}."),
            field="template",
            code=code,
            suggestions=[c for c in codes if code.lower() in c.lower()][:5],
        )
    return found


def version_of(session: Session, code: str, version: int | None) -> InspectionTemplate:
    if version is None:
        return latest(session, code)
    found = session.exec(
        select(InspectionTemplate).where(
            InspectionTemplate.code == code, InspectionTemplate.version == version
        )
    ).first()
    if found is None:
        raise NotFound(
            N_("Checklist {code} has no version {version}."),
            field="version",
            code=code,
            version=version,
        )
    return found


def limits_of(item: InspectionItem) -> Limits:
    return Limits(
        kind=ItemKind(item.kind),
        unit=item.unit,
        normal_min=item.normal_min,
        normal_max=item.normal_max,
        warn_min=item.warn_min,
        warn_max=item.warn_max,
        choices=tuple(item.choices),
        failing=tuple(item.failing),
    )


def items_of(session: Session, template_id: int) -> list[InspectionItem]:
    return list(
        session.exec(
            select(InspectionItem)
            .where(InspectionItem.template_id == template_id)
            .order_by(col(InspectionItem.position))
        ).all()
    )


def spec_of(session: Session, template: InspectionTemplate) -> TemplateSpec:
    """A stored version as the spec a file would give."""
    assert template.id is not None
    items = items_of(session, template.id)
    ci_ids = {i.ci_id for i in items if i.ci_id is not None}
    names = {
        ci.id: _ci_ref(session, ci)
        for ci in session.exec(
            select(ConfigurationItem).where(col(ConfigurationItem.id).in_(ci_ids))
        ).all()
    }
    return TemplateSpec(
        code=template.code,
        name=template.name,
        description=template.description,
        checks=tuple(
            ItemSpec(
                key=i.key,
                label=i.label,
                kind=ItemKind(i.kind),
                section=i.section,
                ci=names.get(i.ci_id) if i.ci_id is not None else None,
                instruction=i.instruction,
                unit=i.unit,
                normal=(i.normal_min, i.normal_max),
                warn=(i.warn_min, i.warn_max),
                choices=tuple(i.choices),
                failing=tuple(i.failing),
                severity=i.severity,
            )
            for i in items
        ),
    )


def _ci_ref(session: Session, ci: ConfigurationItem) -> str:
    """The CI's name, or ``class:name`` when another class uses the name too."""
    others = session.exec(
        select(func.count())
        .select_from(ConfigurationItem)
        .where(ConfigurationItem.name == ci.name, ConfigurationItem.id != ci.id)
    ).one()
    return f"{ci.ci_class}:{ci.name}" if others else ci.name


def save(tx: Tx, spec: TemplateSpec, file: str = "template") -> ImportResult:
    """Write ``spec`` as the next version of its code (unless it equals the newest), after
    resolving every item's CI; an unknown CI is reported with its line, nothing written."""
    session = tx.session
    report = SpecErrors(file)
    ci_ids: dict[str, int] = {}
    for item in spec.checks:
        if item.ci is None or item.ci in ci_ids:
            continue
        try:
            (ci,) = find_cis(session, [item.ci])
        except DomainError as exc:
            report.add(item.line, Invalid(exc.message, field="ci"))
            continue
        assert ci.id is not None
        ci_ids[item.ci] = ci.id
    if report.errors:
        raise TemplateRejected(report)
    current = session.exec(
        select(InspectionTemplate)
        .where(InspectionTemplate.code == spec.code)
        .order_by(col(InspectionTemplate.version).desc())
        .limit(1)
    ).first()
    if current is not None:
        stored = spec_of(session, current)
        same_cis = [ci_ids.get(i.ci) if i.ci else None for i in spec.checks] == [
            i.ci_id for i in items_of(session, current.id or 0)
        ]
        if same_cis and _same(stored, spec):
            # Nothing to write; the import is still on record (who checked it in, when).
            tx.journal(
                "inspection_template",
                current.id or 0,
                "import_unchanged",
                {"code": spec.code, "version": current.version, "file": file},
            )
            return ImportResult(spec.code, current.version, len(spec.checks), created=False)
    version = current.version + 1 if current is not None else 1
    template = InspectionTemplate(
        code=spec.code,
        version=version,
        name=spec.name,
        description=spec.description,
        created_by_id=tx.actor.id,
        created_at=tx.now,
    )
    session.add(template)
    session.flush()
    assert template.id is not None
    session.add_all(
        InspectionItem(
            template_id=template.id,
            position=position,
            key=item.key,
            section=item.section,
            label=item.label,
            kind=item.kind.value,
            ci_id=ci_ids.get(item.ci) if item.ci else None,
            instruction=item.instruction,
            unit=item.unit,
            normal_min=item.normal[0],
            normal_max=item.normal[1],
            warn_min=item.warn[0],
            warn_max=item.warn[1],
            choices=list(item.choices),
            failing=list(item.failing),
            severity=item.severity,
        )
        for position, item in enumerate(spec.checks)
    )
    session.flush()
    tx.journal(
        "inspection_template",
        template.id,
        "create",
        {"code": spec.code, "version": version, "items": len(spec.checks), "file": file},
    )
    return ImportResult(spec.code, version, len(spec.checks), created=True)


def _same(stored: TemplateSpec, new: TemplateSpec) -> bool:
    """Equal content, the CIs compared by what they resolve to (done by the caller)."""
    strip = lambda spec: TemplateSpec(  # noqa: E731
        spec.code,
        spec.name,
        spec.description,
        tuple(ItemSpec(**{**i.__dict__, "ci": None, "line": 0}) for i in spec.checks),
    )
    return strip(stored) == strip(new)


@mutation(Action.MANAGE_INSPECTIONS)
def import_template(
    tx: Tx, source: str | Path, *, text: str | None = None, format: str | None = None
) -> ImportResult:
    """Import a checklist file (TOML, or YAML if it is named ``.yaml``/``.yml`` or ``format``
    says so): a new version if it differs from the newest, nothing if it is the same; every
    problem reported with its line, nothing written while one remains."""
    file = str(source)
    if text is None:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise Invalid(
                N_("Cannot read {file}: {reason}."), field="file", file=file, reason=exc.strerror
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(N_("{file} is not UTF-8 text."), field="file", file=file) from None
    if format is not None:
        check_format(format)
    return save(tx, parse(text, file, format=format), file)


@query(Action.VIEW_INSPECTIONS)
def export_template(
    read: Read, code: str, version: int | None = None, *, format: str = "toml"
) -> str:
    """The checklist as the file it would be imported from: TOML, or YAML (``format="yaml"``)."""
    check_format(format)
    spec = spec_of(read.session, version_of(read.session, code, version))
    return dump_yaml(spec) if format == "yaml" else dump(spec)


@query(Action.VIEW_INSPECTIONS)
def show_template(read: Read, code: str, version: int | None = None) -> TemplateSpec:
    return spec_of(read.session, version_of(read.session, code, version))


@query(Action.VIEW_INSPECTIONS)
def list_templates(read: Read) -> list[TemplateRow]:
    """The newest version of every checklist, by code."""
    return newest_templates(read.session)


@query(Action.INSPECT)
def checklists_to_start(read: Read) -> list[TemplateRow]:
    """:func:`list_templates` for someone about to start a round: refused, before any form is
    filled in, to those who may not run rounds."""
    return newest_templates(read.session)


def newest_templates(session: Session) -> list[TemplateRow]:
    """The newest version of every checklist, by code, with its item count."""
    newest = (
        select(InspectionTemplate.code, func.max(InspectionTemplate.version).label("v"))
        .group_by(col(InspectionTemplate.code))
        .subquery()
    )
    counts = (
        select(InspectionItem.template_id, func.count().label("n"))
        .group_by(col(InspectionItem.template_id))
        .subquery()
    )
    rows = session.exec(
        select(InspectionTemplate, counts.c.n)
        .join(
            newest,
            (newest.c.code == InspectionTemplate.code) & (newest.c.v == InspectionTemplate.version),
        )
        .join(counts, counts.c.template_id == InspectionTemplate.id)
        .order_by(col(InspectionTemplate.code))
    ).all()
    return [TemplateRow(t.code, t.version, t.name, n, t.created_at) for t, n in rows]
