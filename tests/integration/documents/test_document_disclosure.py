"""What must never be in any document: the victim's contact details (address, phone, safe
times, who is safe to talk to, whom they fear, the children's school), searched for in
every XML part of every document, headers and properties included."""

from __future__ import annotations

from typing import Any

from tests.integration.documents.reading import all_xml, download
from tests.integration.documents.scenario import CONTACT, SCHOOL, all_urls, marac_meeting
from tests.support.accounts import act_as, make_user
from tests.support.calls import ok

MOVED = {
    "address": "Flat 2, 9 Quillon Terrace, Southtown",
    "postcode": "ST2 7XY",
    "phone": "07700 900782",
    "safe_to_call": True,
    "safe_times": "Only between 1 and 2 on Tuesdays",
    "safe_contacts": "Her friend Ismay Penhallow",
}


def _restricted_values() -> list[str]:
    values = [v for v in (*CONTACT.values(), *MOVED.values()) if isinstance(v, str)]
    return [*values, SCHOOL]


def test_victim_contact_details_are_in_no_document(client: Any) -> None:
    world = marac_meeting(client)
    # Changed through the restricted route too: the newest details must not leak either.
    for case in (world.adult, world.reviewed, world.lapse):
        ok(client.put(f"/api/cases/{case['id']}/victim-contact", json=MOVED))
    restricted = _restricted_values()
    # The details are there to leak: the restricted route gives them to the coordinator.
    family_contact = ok(client.get(f"/api/cases/{world.family['id']}/victim-contact"))
    assert family_contact["address"] == CONTACT["address"]
    assert family_contact["children_schools"][0]["school"] == SCHOOL

    checked = 0
    for url in all_urls(world):
        content = download(client, url).content
        xml = all_xml(content)
        for value in restricted:
            escaped = value.replace("'", "&apos;")
            assert value not in xml and escaped not in xml, (url, value)
        checked += 1
    assert checked == 10

    # The agency's own representative gets the same: extracts carry no contact details.
    rep = make_user(client, "agency_representative", agency_id=world.social_care["id"])
    act_as(client, rep["id"])
    for url in (
        f"/api/meetings/{world.meeting['id']}/agencies/{world.social_care['id']}/agenda.docx",
        f"/api/agencies/{world.social_care['id']}/actions.docx",
    ):
        xml = all_xml(download(client, url).content)
        assert not [value for value in restricted if value in xml], url
