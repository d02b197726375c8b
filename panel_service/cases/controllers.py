"""HTTP for people, cases and perpetrator subjects."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get, patch, post, put
from litestar.di import Provide
from litestar.params import Parameter

from panel_service.accounts.actor import Actor
from panel_service.audit.schemas import AuditEventRead
from panel_service.cases import contact, people, rfgv, services, subjects
from panel_service.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseSummary,
    CaseUpdate,
    ChildCreate,
    ChildRead,
    DashAssessmentCreate,
    DashAssessmentRead,
    PersonRead,
    PersonUpdate,
    RfgvRead,
    RfgvRecord,
    SubjectCreate,
    SubjectDecision,
    SubjectMilestones,
    SubjectRead,
    SubjectSummary,
    VictimContactRead,
    VictimContactWrite,
)
from panel_service.cases.tables import CaseStatus, SubjectStatus
from panel_service.pagination import Page, PageParams, provide_page


class PersonController(Controller):
    path = "/api/people"
    tags = ["people"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def search_people(
        self,
        actor: Actor,
        page: PageParams,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Page[PersonRead]:
        return await people.search_people(actor, page, q)

    @get("/{person_id:int}")
    async def get_person(self, actor: Actor, person_id: int) -> PersonRead:
        return await people.get_person(actor, person_id)

    @patch("/{person_id:int}")
    async def update_person(self, actor: Actor, person_id: int, data: PersonUpdate) -> PersonRead:
        return await people.update_person(actor, person_id, data)


class CaseController(Controller):
    path = "/api/cases"
    tags = ["cases"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_cases(
        self,
        actor: Actor,
        page: PageParams,
        panel_id: int | None = None,
        status: CaseStatus | None = None,
        is_repeat: bool | None = None,
        assigned_idva_id: int | None = None,
        referred_from: date | None = None,
        referred_to: date | None = None,
    ) -> Page[CaseSummary]:
        return await services.list_cases(
            actor, page, panel_id, status, is_repeat, assigned_idva_id, referred_from, referred_to
        )

    @post()
    async def create_case(self, actor: Actor, data: CaseCreate) -> CaseRead:
        return await services.create_case(actor, data)

    @get("/{case_id:int}")
    async def get_case(self, actor: Actor, case_id: int) -> CaseRead:
        return await services.get_case(actor, case_id)

    @patch("/{case_id:int}")
    async def update_case(self, actor: Actor, case_id: int, data: CaseUpdate) -> CaseRead:
        return await services.update_case(actor, case_id, data)

    @post("/{case_id:int}/dash-assessments")
    async def record_dash_assessment(
        self, actor: Actor, case_id: int, data: DashAssessmentCreate
    ) -> DashAssessmentRead:
        return await services.record_dash_assessment(actor, case_id, data)

    @get("/{case_id:int}/access-log")
    async def case_access_log(
        self, actor: Actor, case_id: int, page: PageParams
    ) -> Page[AuditEventRead]:
        """Who viewed or changed this case (coordinators and chairs)."""
        return await services.case_access_log(actor, case_id, page)

    @get("/{case_id:int}/dash-assessments")
    async def list_dash_assessments(
        self, actor: Actor, case_id: int, page: PageParams
    ) -> Page[DashAssessmentRead]:
        return await services.list_dash_assessments(actor, case_id, page)

    @post("/{case_id:int}/children")
    async def add_child(self, actor: Actor, case_id: int, data: ChildCreate) -> ChildRead:
        return await services.add_child(actor, case_id, data)

    @get("/{case_id:int}/victim-contact")
    async def get_victim_contact(self, actor: Actor, case_id: int) -> VictimContactRead:
        return await contact.get_victim_contact(actor, case_id)

    @put("/{case_id:int}/victim-contact")
    async def put_victim_contact(
        self, actor: Actor, case_id: int, data: VictimContactWrite
    ) -> VictimContactRead:
        return await contact.put_victim_contact(actor, case_id, data)


class SubjectController(Controller):
    path = "/api/perpetrator-subjects"
    tags = ["perpetrator subjects"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_subjects(
        self,
        actor: Actor,
        page: PageParams,
        panel_id: int | None = None,
        status: SubjectStatus | None = None,
    ) -> Page[SubjectSummary]:
        return await subjects.list_subjects(actor, page, panel_id, status)

    @post()
    async def create_subject(self, actor: Actor, data: SubjectCreate) -> SubjectRead:
        return await subjects.create_subject(actor, data)

    @get("/{subject_id:int}")
    async def get_subject(self, actor: Actor, subject_id: int) -> SubjectRead:
        return await subjects.get_subject(actor, subject_id)

    @post("/{subject_id:int}/decision", status_code=200)
    async def decide_subject(
        self, actor: Actor, subject_id: int, data: SubjectDecision
    ) -> SubjectRead:
        return await subjects.decide_subject(actor, subject_id, data)

    @post("/{subject_id:int}/milestones", status_code=200)
    async def record_milestones(
        self, actor: Actor, subject_id: int, data: SubjectMilestones
    ) -> SubjectRead:
        return await subjects.record_milestones(actor, subject_id, data)

    @post("/{subject_id:int}/rfgv")
    async def record_rfgv(self, actor: Actor, subject_id: int, data: RfgvRecord) -> RfgvRead:
        """Score the subject's RFG-V at entry or at exit (the inputs are kept)."""
        return await rfgv.record_rfgv(actor, subject_id, data)
