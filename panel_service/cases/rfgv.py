"""RFG-V: how recent, how frequent and how grave a perpetrator's domestic abuse is, and how
many victims (domain.md §3).

Forces use their own weights, which are not public, so the score is a versioned,
replaceable calculation: each assessment stores its inputs and the version of the
calculation that scored them, at entry and at exit (success is a fall in the score). The
calculation in use is the setting ``PANEL_RFGV_CALCULATION`` (``module:attribute``); the
one shipped here is illustrative, for demonstrations and tests, and says so in its version.
"""

from __future__ import annotations

import importlib
from typing import Protocol
from zoneinfo import ZoneInfo

import msgspec

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.cases.schemas import RfgvInputs, RfgvRead, RfgvRecord, RfgvScore
from panel_service.cases.tables import PerpetratorSubject, RfgvAssessment, RfgvStage
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.settings import get_settings


class Calculation(Protocol):
    version: str

    def score(self, inputs: RfgvInputs) -> int: ...


class IllustrativeCalculation:
    """Round numbers in the published shape of RFG-V, not any force's weights."""

    version = "illustrative-1"

    def score(self, inputs: RfgvInputs) -> int:
        recency = max(0, 5 - inputs.days_since_last_incident // 73)  # 5 points, a fifth/year
        frequency = min(inputs.incidents_last_12_months, 10)
        return 2 * recency + frequency + 3 * inputs.most_serious_gravity + 4 * inputs.victims


ILLUSTRATIVE = IllustrativeCalculation()


def calculation() -> Calculation:
    """The calculation the settings name."""
    module, _, attribute = get_settings().rfgv_calculation.partition(":")
    found: Calculation = getattr(importlib.import_module(module), attribute)
    return found


async def record_rfgv(actor: Actor, subject_id: int, data: RfgvRecord) -> RfgvRead:
    """Score the subject at entry or exit with the calculation in use; each stage once, the
    exit after the entry, neither before the referral."""
    await access.check(actor, access.Record.SUBJECT, subject_id, access.Right.EDIT)
    used = calculation()
    score = used.score(data.inputs)
    async with db.transaction():
        subject = (
            await PerpetratorSubject.select(
                PerpetratorSubject.referral_received_at,
                PerpetratorSubject.panel.timezone.as_alias("timezone"),
            )
            .where(PerpetratorSubject.id == subject_id)
            .first()
        )
        if subject is None:
            raise NotFound(f"perpetrator subject {subject_id} not found")
        zone = ZoneInfo(subject["timezone"])
        if data.assessed_on < subject["referral_received_at"].astimezone(zone).date():
            raise Invalid("the assessment is before the referral", field="assessed_on")
        stages = {
            row["stage"]: row
            for row in await RfgvAssessment.select(
                RfgvAssessment.stage, RfgvAssessment.assessed_on
            ).where(RfgvAssessment.subject == subject_id)
        }
        if data.stage.value in stages:
            raise Conflict(f"the {data.stage.value} score is already recorded", field="stage")
        if data.stage == RfgvStage.EXIT:
            entry = stages.get(RfgvStage.ENTRY.value)
            if entry is None:
                raise Conflict("record the entry score first", field="stage")
            if data.assessed_on < entry["assessed_on"]:
                raise Invalid("the exit is before the entry assessment", field="assessed_on")
        await RfgvAssessment(
            subject=subject_id,
            stage=data.stage.value,
            inputs=msgspec.to_builtins(data.inputs),
            calculation_version=used.version,
            score=score,
            assessed_on=data.assessed_on,
            recorded_by=actor.user_id,
        ).save()
        await record_event(
            actor,
            "rfgv_recorded",
            "perpetrator_subject",
            subject_id,
            {"stage": data.stage.value, "score": score, "calculation": used.version},
        )
    return (await rfgv_of([subject_id]))[subject_id]


async def rfgv_of(subject_ids: list[int]) -> dict[int, RfgvRead]:
    """Each subject's entry and exit scores, in one query."""
    rows = (
        await RfgvAssessment.select(
            RfgvAssessment.subject,
            RfgvAssessment.stage,
            RfgvAssessment.score,
            RfgvAssessment.calculation_version,
            RfgvAssessment.assessed_on,
            RfgvAssessment.inputs,
        )
        .where(RfgvAssessment.subject.is_in(subject_ids))
        .output(load_json=True)
        if subject_ids
        else []
    )
    stages: dict[int, dict[str, RfgvScore]] = {i: {} for i in subject_ids}
    for row in rows:
        stages[row["subject"]][row["stage"]] = msgspec.convert(row, RfgvScore, strict=False)
    result = {}
    for subject_id, found in stages.items():
        entry, exit_ = found.get(RfgvStage.ENTRY.value), found.get(RfgvStage.EXIT.value)
        change = exit_.score - entry.score if entry and exit_ else None
        result[subject_id] = RfgvRead(entry=entry, exit=exit_, change=change)
    return result
