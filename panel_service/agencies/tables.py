"""Agencies: the organisations that sit at a panel."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, Boolean, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AgencyType(StrEnum):
    """The agencies of domain.md §1."""

    POLICE = "police"
    IDVA_SERVICE = "idva_service"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    HEALTH_ACUTE = "health_acute"
    HEALTH_PRIMARY_CARE = "health_primary_care"
    HEALTH_VISITING = "health_visiting"
    MIDWIFERY = "midwifery"
    MENTAL_HEALTH = "mental_health"
    PROBATION = "probation"
    HOUSING = "housing"
    EDUCATION = "education"
    DRUG_AND_ALCOHOL = "drug_and_alcohol"
    SPECIALIST_BAMER = "specialist_bamer"
    SPECIALIST_LGBT = "specialist_lgbt"
    FIRE_AND_RESCUE = "fire_and_rescue"
    CAFCASS = "cafcass"
    SEXUAL_VIOLENCE = "sexual_violence"
    PERPETRATOR_PROGRAMME = "perpetrator_programme"
    OTHER = "other"


class Agency(Table, tablename="agency"):
    id: Serial
    name = Varchar(length=200, unique=True)
    agency_type = Varchar(length=40, choices=AgencyType)
    secure_domains = JSON(default=[])
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=320, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
