"""Verbs on cases: referring a victim-perpetrator pair to a MARAC, and what follows.

``serial_perpetrator_ids`` is re-exported here for callers outside the cases domain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, cast

from piccolo.query.functions.aggregate import Count

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role
from panel_service.audit.schemas import AuditEventRead
from panel_service.audit.services import read_events
from panel_service.audit.trail import record_event
from panel_service.cases.people import (
    perpetrator_view,
    person_rows,
    serial_perpetrator_ids,
    victim_view,
)
from panel_service.cases.referrals import child_row, refer_case
from panel_service.cases.rules import check_awareness
from panel_service.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseSummary,
    CaseUpdate,
    ChildCreate,
    ChildRead,
    DashAssessmentCreate,
    DashAssessmentRead,
)
from panel_service.cases.staff import require_staff
from panel_service.cases.tables import Case, CaseStatus, Child, DashAssessment, ReferralCriterion
from panel_service.errors import Invalid, NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import set_fields, to_struct

__all__ = [
    "add_child",
    "create_case",
    "get_case",
    "list_cases",
    "list_dash_assessments",
    "record_dash_assessment",
    "serial_perpetrator_ids",
    "update_case",
]

_CASE_COLUMNS = (
    *Case.all_columns(
        exclude=[
            Case.panel,
            Case.victim,
            Case.perpetrator,
            Case.referring_agency,
            Case.repeat_of,
            Case.assigned_idva,
        ]
    ),
    Case.panel.as_alias("panel_id"),
    Case.victim.as_alias("victim_id"),
    Case.perpetrator.as_alias("perpetrator_id"),
    Case.referring_agency.as_alias("referring_agency_id"),
    Case.repeat_of.as_alias("repeat_of_id"),
    Case.assigned_idva.as_alias("assigned_idva_id"),
)


async def create_case(actor: Actor, data: CaseCreate) -> CaseRead:
    """Refer a victim-perpetrator pair to a MARAC.

    Checks the referral against the criteria, the age rule and the panel's settings,
    flags a repeat of an earlier referral of the same pair, and writes the case whole in
    one transaction: a refused referral writes nothing.
    """
    await access.check(
        actor, access.Record.PANEL, data.panel_id, access.Right.RUN, field="panel_id"
    )
    return await _read_case(await refer_case(actor, data))


async def _case_row(case_id: int) -> dict[str, Any]:
    row = await Case.select(*_CASE_COLUMNS).where(Case.id == case_id).output(load_json=True).first()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return row


async def _read_case(case_id: int) -> CaseRead:
    row = await _case_row(case_id)
    people = await person_rows([row["victim_id"], row["perpetrator_id"]])
    criteria = (
        await ReferralCriterion.select(ReferralCriterion.criterion, ReferralCriterion.evidence)
        .where(ReferralCriterion.case == case_id)
        .order_by(ReferralCriterion.id)
    )
    children = (
        await Child.select(*Child.all_columns(exclude=[Child.case, Child.school]))
        .where(Child.case == case_id)
        .order_by(Child.id)
    )
    serial = row["perpetrator_id"] in await serial_perpetrator_ids([row["perpetrator_id"]])
    on = row["referral_date"]
    return to_struct(
        {
            **row,
            "victim": victim_view(people[row["victim_id"]], on),
            "perpetrator": perpetrator_view(people[row["perpetrator_id"]], on, serial),
            "criteria": criteria,
            "children": children,
            "children_count": len(children),
        },
        CaseRead,
    )


async def get_case(actor: Actor, case_id: int) -> CaseRead:
    """One case in full (without restricted fields); every read is audited."""
    await access.check(actor, access.Record.CASE, case_id)
    case = await _read_case(case_id)
    await record_event(actor, "viewed", "case", case_id)
    return case


async def list_cases(
    actor: Actor,
    page: PageParams,
    panel_id: int | None = None,
    status: CaseStatus | None = None,
    is_repeat: bool | None = None,
    assigned_idva_id: int | None = None,
    referred_from: date | None = None,
    referred_to: date | None = None,
) -> Page[CaseSummary]:
    """Cases, newest referral first, as summaries without names."""
    rows, total = await fetch_page(
        Case.select(*_CASE_COLUMNS).order_by(Case.referral_date, Case.id, ascending=False),
        Case.count(),
        page,
        await access.visible(actor, access.Record.CASE),
        Case.panel == panel_id if panel_id is not None else None,
        Case.status == status.value if status is not None else None,
        Case.is_repeat == is_repeat if is_repeat is not None else None,
        Case.assigned_idva == assigned_idva_id if assigned_idva_id is not None else None,
        Case.referral_date >= referred_from if referred_from is not None else None,
        Case.referral_date <= referred_to if referred_to is not None else None,
    )
    ids = [r["id"] for r in rows]
    children: dict[int, int] = defaultdict(int)
    if ids:
        counted = (
            await Child.select(Child.case, Count())
            .where(Child.case.is_in(ids))
            .group_by(Child.case)
        )
        children.update({c["case"]: c["count"] for c in counted})
    serial = await serial_perpetrator_ids([r["perpetrator_id"] for r in rows])
    items = [
        to_struct(
            {
                **r,
                "children_count": children[r["id"]],
                "serial_perpetrator": r["perpetrator_id"] in serial,
            },
            CaseSummary,
        )
        for r in rows
    ]
    return Page.of(items, total, page)


def _right_to_update(data: CaseUpdate) -> access.Right:
    """Assigning the IDVA and closing the case are the panel's; an IDVA keeps the rest."""
    fields = set_fields(data)
    return (
        access.Right.MANAGE if {"assigned_idva_id", "status"} & fields.keys() else access.Right.EDIT
    )


async def update_case(actor: Actor, case_id: int, data: CaseUpdate) -> CaseRead:
    """Change a case's relationship, IDVA, status or the victim's awareness and consent."""
    await access.check(actor, access.Record.CASE, case_id, _right_to_update(data))
    changes = {k: v.value if hasattr(v, "value") else v for k, v in set_fields(data).items()}
    async with db.transaction():
        current = await _case_row(case_id)
        if {"victim_aware", "victim_not_aware_reason"} & changes.keys():
            check_awareness(
                changes.get("victim_aware", current["victim_aware"]),
                changes.get("victim_not_aware_reason", current["victim_not_aware_reason"]),
            )
        if "assigned_idva_id" in changes:
            idva_id = changes.pop("assigned_idva_id")
            if idva_id is not None:
                await require_staff(idva_id, Role.IDVA, "assigned_idva_id")
            changes["assigned_idva"] = idva_id
        if changes:
            await Case.update(cast(dict[Any, Any], changes)).where(Case.id == case_id)
            await record_event(actor, "updated", "case", case_id, {"fields": sorted(changes)})
    return await _read_case(case_id)


_DASH_COLUMNS = (
    DashAssessment.id,
    DashAssessment.score,
    DashAssessment.assessed_on,
    DashAssessment.recorded_by.as_alias("recorded_by_id"),
    DashAssessment.recorded_at,
)


async def record_dash_assessment(
    actor: Actor, case_id: int, data: DashAssessmentCreate
) -> DashAssessmentRead:
    """Record a new DASH score; it becomes the case's score. A score may be raised by a
    later assessment but never lowered."""
    await access.check(actor, access.Record.CASE, case_id, access.Right.EDIT)
    async with db.transaction():
        await _case_row(case_id)
        # The condition sits in the UPDATE so that two assessors at once cannot lower it.
        raised = (
            await Case.update({Case.dash_score: data.score})
            .where(
                (Case.id == case_id) & (Case.dash_score.is_null() | (Case.dash_score <= data.score))
            )
            .returning(Case.id)
        )
        if not raised:
            current = (await _case_row(case_id))["dash_score"]
            raise Invalid(
                f"a DASH score can be raised by a later assessment but never lowered; "
                f"the case's score is {current}",
                field="score",
            )
        assessment = DashAssessment(
            case=case_id,
            score=data.score,
            assessed_on=data.assessed_on,
            recorded_by=actor.user_id,
        )
        await assessment.save()
        await record_event(actor, "dash_assessed", "case", case_id, {"score": data.score})
    found = (
        await DashAssessment.select(*_DASH_COLUMNS)
        .where(DashAssessment.id == assessment.id)
        .first()
    )
    assert found is not None
    return to_struct(found, DashAssessmentRead)


async def list_dash_assessments(
    actor: Actor, case_id: int, page: PageParams
) -> Page[DashAssessmentRead]:
    """Every DASH score recorded for the case, oldest first."""
    await access.check(actor, access.Record.CASE, case_id)
    await _case_row(case_id)
    rows, total = await fetch_page(
        DashAssessment.select(*_DASH_COLUMNS).order_by(DashAssessment.id),
        DashAssessment.count(),
        page,
        DashAssessment.case == case_id,
    )
    return Page.of([to_struct(r, DashAssessmentRead) for r in rows], total, page)


async def add_child(actor: Actor, case_id: int, data: ChildCreate) -> ChildRead:
    """Add a child in the household to a case."""
    await access.check(actor, access.Record.CASE, case_id, access.Right.EDIT)
    async with db.transaction():
        await _case_row(case_id)
        child = child_row(case_id, data)
        await child.save()
        await record_event(actor, "child_added", "case", case_id, {"child_id": child.id})
    return ChildRead(
        id=child.id,
        date_of_birth=data.date_of_birth,
        relationship_to_victim=data.relationship_to_victim,
        relationship_to_perpetrator=data.relationship_to_perpetrator,
    )


async def case_access_log(actor: Actor, case_id: int, page: PageParams) -> Page[AuditEventRead]:
    """Who viewed or changed this case and when, newest first: for the coordinators and
    chairs who run its panel."""
    await access.check(actor, access.Record.CASE, case_id, access.Right.MANAGE)
    return await read_events(page, record_type="case", record_id=case_id)
