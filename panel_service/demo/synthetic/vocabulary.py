"""The words synthetic records are made of: a fictional county, its agencies and people.

Names are combinations of short common lists, so no record describes a real person;
emails use reserved ``.example`` domains and phone numbers Ofcom's drama range.
"""

from __future__ import annotations

from typing import NamedTuple

from panel_service.actions.tables import ActionStatus
from panel_service.agencies.tables import AgencyType

COUNTY = "Wyvernshire"
# Case references carry this prefix, so they never collide with the service's own.
REFERENCE_PREFIX = "SYN-"

AREAS = (
    "Northwick",
    "Southmere",
    "Eastbrook",
    "Westholme",
    "Kingsford",
    "Millbridge",
    "Harrowdene",
    "Oakhollow",
    "Fenwater",
    "Stonebury",
    "Ravensby",
    "Larkfield",
    "Copperton",
    "Wrenham",
    "Thistlewood",
    "Ashcombe",
)

FEMALE_FIRST_NAMES = (
    "Amelia", "Aisha", "Bethany", "Chloe", "Danielle", "Ellie", "Fatima", "Gemma",
    "Hannah", "Imogen", "Jade", "Kayleigh", "Laura", "Megan", "Nadia", "Olivia",
    "Priya", "Rachel", "Sophie", "Tanya", "Zara", "Leanne", "Kirsty", "Shannon",
    "Yasmin", "Emma", "Natalie", "Joanne", "Stacey", "Rebecca",
)  # fmt: skip

MALE_FIRST_NAMES = (
    "Aaron", "Ben", "Callum", "Daniel", "Dean", "Faisal", "Gary", "Harry", "Imran",
    "Jamie", "Kyle", "Liam", "Mark", "Nathan", "Owen", "Paul", "Ryan", "Scott",
    "Tariq", "Wayne", "Craig", "Lee", "Jason", "Stuart", "Connor", "Adam", "Darren",
    "Kevin", "Mohammed", "Shane",
)  # fmt: skip

LAST_NAMES = (
    "Adams", "Ahmed", "Bailey", "Barker", "Bennett", "Booth", "Carter", "Chapman",
    "Clarke", "Cooper", "Davies", "Dixon", "Edwards", "Ellis", "Fletcher", "Foster",
    "Gibson", "Graham", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson",
    "James", "Johnson", "Kaur", "Khan", "Knight", "Lewis", "Marshall", "Mason",
    "Mitchell", "Moore", "Morgan", "Murphy", "Nelson", "Owen", "Palmer", "Parker",
    "Patel", "Phillips", "Price", "Reid", "Richards", "Robinson", "Rogers", "Shaw",
    "Singh", "Spencer", "Stevens", "Taylor", "Thomas", "Turner", "Walker", "Ward",
    "Watson", "Webb", "Wilson", "Wright",
)  # fmt: skip

STREETS = (
    "Acacia Avenue", "Brook Lane", "Castle Street", "Dale Road", "Elm Grove",
    "Field Close", "Green Walk", "High Street", "Mill Lane", "Station Road",
)  # fmt: skip


class AgencyProfile(NamedTuple):
    agency_type: AgencyType
    name: str
    domain: str
    invited: bool
    """Invited to every MARAC meeting by default (the others come when a case needs them)."""
    referral_weight: int
    action_weight: int


# Police refer about two thirds of cases nationally (domain.md §4: 36% come from partners).
AGENCIES = (
    AgencyProfile(AgencyType.POLICE, f"{COUNTY} Police", "police.example", True, 640, 20),
    AgencyProfile(AgencyType.IDVA_SERVICE, f"{COUNTY} IDVA Service", "idva.example", True, 110, 18),
    AgencyProfile(
        AgencyType.CHILDRENS_SOCIAL_CARE,
        f"{COUNTY} Children's Social Care",
        "council.example",
        True,
        60,
        12,
    ),
    AgencyProfile(
        AgencyType.ADULT_SOCIAL_CARE, f"{COUNTY} Adult Safeguarding", "council.example", True, 15, 4
    ),
    AgencyProfile(AgencyType.HEALTH_ACUTE, "Wyvern General Hospital", "nhs.example", True, 40, 5),
    AgencyProfile(
        AgencyType.HEALTH_PRIMARY_CARE, f"{COUNTY} GP Safeguarding", "nhs.example", True, 15, 6
    ),
    AgencyProfile(
        AgencyType.HEALTH_VISITING, f"{COUNTY} Health Visiting", "nhs.example", True, 10, 4
    ),
    AgencyProfile(AgencyType.MIDWIFERY, "Wyvern Midwifery Service", "nhs.example", True, 10, 2),
    AgencyProfile(
        AgencyType.MENTAL_HEALTH, f"{COUNTY} Mental Health Trust", "nhs.example", True, 20, 5
    ),
    AgencyProfile(
        AgencyType.PROBATION, f"{COUNTY} Probation Delivery Unit", "probation.example", True, 25, 6
    ),
    AgencyProfile(AgencyType.HOUSING, f"{COUNTY} Council Housing", "council.example", True, 20, 7),
    AgencyProfile(AgencyType.HOUSING, f"{COUNTY} Homes Association", "homes.example", True, 5, 3),
    AgencyProfile(
        AgencyType.EDUCATION, f"{COUNTY} Education Safeguarding", "council.example", True, 10, 4
    ),
    AgencyProfile(
        AgencyType.DRUG_AND_ALCOHOL, f"{COUNTY} Recovery Service", "recovery.example", True, 10, 4
    ),
    AgencyProfile(
        AgencyType.SPECIALIST_BAMER,
        f"{COUNTY} Women's Network",
        "womensnetwork.example",
        True,
        5,
        2,
    ),
    AgencyProfile(
        AgencyType.SPECIALIST_LGBT, f"{COUNTY} LGBT+ Advocacy", "lgbtadvocacy.example", True, 2, 1
    ),
    AgencyProfile(
        AgencyType.FIRE_AND_RESCUE, f"{COUNTY} Fire and Rescue", "fire.example", False, 1, 0
    ),
    AgencyProfile(AgencyType.CAFCASS, f"Cafcass {COUNTY}", "cafcass.example", False, 1, 0),
    AgencyProfile(
        AgencyType.SEXUAL_VIOLENCE, f"{COUNTY} Rape Crisis", "rapecrisis.example", False, 2, 0
    ),
    AgencyProfile(
        AgencyType.PERPETRATOR_PROGRAMME, f"{COUNTY} Drive Project", "drive.example", False, 0, 0
    ),
)


class Ethnicity(NamedTuple):
    label: str
    racially_minoritised: bool
    weight: int


# Weights give ~16% Black, Asian or racially minoritised victims (domain.md §4).
ETHNICITIES = (
    Ethnicity("White British", False, 760),
    Ethnicity("White Other", False, 60),
    Ethnicity("Asian or Asian British: Pakistani", True, 50),
    Ethnicity("Asian or Asian British: Indian", True, 30),
    Ethnicity("Black or Black British: African", True, 30),
    Ethnicity("Black or Black British: Caribbean", True, 20),
    Ethnicity("Mixed: White and Black Caribbean", True, 20),
    Ethnicity("Other ethnic group", True, 10),
    Ethnicity("Not stated", False, 20),
)

RELATIONSHIPS = ("Intimate partner", "Ex-partner", "Son", "Daughter", "Father", "Brother")
RELATIONSHIP_WEIGHTS = (45, 40, 7, 2, 3, 3)

CHILD_RELATIONSHIPS = (
    ("Son", "Son"),
    ("Daughter", "Daughter"),
    ("Son", "Stepson"),
    ("Daughter", "Stepdaughter"),
)

NOT_AWARE_REASONS = (
    "Telling the victim now would raise the risk: the perpetrator monitors the phone.",
    "No safe way to contact the victim yet.",
)

PROFESSIONAL_JUDGEMENTS = (
    "Recent escalation: first strangulation reported this month.",
    "Perpetrator released from custody next week; previous threats to kill.",
    "Victim is pregnant and isolated from family; coercive control is increasing.",
    "Victim minimises the abuse; the officer's observations indicate high risk.",
)

DEFERRAL_REASONS = (
    "The referrer had not briefed the police representative.",
    "Key agency information was not available in time.",
)

VOICE_VIEWS = (
    "Wants the agencies to know how frightening it is to be at home alone.",
    "Says things have calmed down but admits to not sleeping.",
    "Relieved that people are listening; wants to stay in the area.",
)
VOICE_WISHES = (
    "To move to a safe address with the children.",
    "For the perpetrator to be kept away from the house and the school.",
    "Support with mental health, and to keep their job.",
)
VOICE_FEARS = (
    "That the perpetrator will find the new address.",
    "That the children will be taken away if the abuse is reported.",
    "That the perpetrator's family will turn up at work.",
)
VOICE_SAFETY_CONCERNS = (
    "The perpetrator still has a key to the property.",
    "The perpetrator has been seen near a relative's house.",
    "Threats made through mutual friends on social media.",
)
CONTACT_MEANS = ("Phone call to the safe number", "Face to face at the GP surgery", "Text first")

GENERIC_ACTIONS = (
    "Share relevant information with the IDVA before the next meeting.",
    "Flag the victim's and the children's records so that staff know the risk.",
)
ACTIONS = {
    AgencyType.POLICE: (
        "Place a marker on the victim's address for an urgent response.",
        "Review bail conditions and report any breach to the coordinator.",
        "Consider a Domestic Violence Protection Notice.",
        "Complete a Clare's Law disclosure under the right to know.",
    ),
    AgencyType.IDVA_SERVICE: (
        "Complete a safety plan with the victim.",
        "Support the victim to apply for a non-molestation order.",
        "Feed back the panel's actions to the victim by safe means.",
    ),
    AgencyType.CHILDRENS_SOCIAL_CARE: (
        "Complete a child and family assessment.",
        "Hold a strategy discussion about the children.",
    ),
    AgencyType.HOUSING: (
        "Assess the victim for a sanctuary scheme.",
        "Consider a management move to a safe property.",
    ),
    AgencyType.HEALTH_PRIMARY_CARE: ("Offer the victim a routine appointment to talk safely.",),
    AgencyType.MENTAL_HEALTH: ("Review the perpetrator's care plan in the light of the risk.",),
    AgencyType.PROBATION: ("Add the victim's safety to the perpetrator's licence conditions.",),
    AgencyType.EDUCATION: ("Tell the designated safeguarding lead at the children's school.",),
}

OUTCOME_NOTES = {
    ActionStatus.COMPLETED: ("Done and confirmed to the coordinator.", "Completed; see minutes."),
    ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED: (
        "Victim moved out of area before it could be done.",
        "No longer needed: perpetrator remanded in custody.",
    ),
    ActionStatus.NOT_COMPLETED_NOT_DONE: ("Not done: no capacity in the team this month.",),
}
