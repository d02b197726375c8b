"""Text pasted from Word, right-to-left and combining characters, emoji, a 20,000-character
paragraph and an agency name with ``&`` and ``<``: every document still builds and shows
the text, with only the characters XML forbids removed."""

from __future__ import annotations

from typing import Any

from tests.conftest import BACKEND
from tests.integration.documents.reading import body_text, document_of, download
from tests.integration.documents.scenario import all_urls, marac_meeting
from tests.support.calls import ok, on_app_loop

AGENCY = "Smith & Jones <Housing> Trust"
# Right-to-left (Arabic, Hebrew), a combining acute accent, emoji with a skin-tone modifier
# and a zero-width joiner sequence.
VICTIM = (
    "Zoe\u0301 Al-Sayed \u0633\u0627\u0631\u0629 \u05e9\u05e8\u05d4"
    " \U0001f33b\U0001f44d\U0001f3fd \U0001f469\u200d\U0001f467"
)
PASTED = "Call the victim\x0b on her safe number\x0c before\x01 the\x1f hearing"
# PostgreSQL text cannot hold NUL at all, so it only ever comes out of SQLite.
if BACKEND == "sqlite":
    PASTED += "\x00 today"
SHOWN = "Call the victim on her safe number before the hearing" + (
    " today" if BACKEND == "sqlite" else ""
)
LONG = " ".join(f"word{n % 97}" for n in range(2_900))[:19_991] + " LONG-END"


def _set_description(client: Any, action_id: int, text: str) -> None:
    """Write text straight to the table, as an import or an older version would have."""
    from panel_service.actions.tables import Action

    async def update() -> None:
        await Action.update({Action.description: text}).where(Action.id == action_id)

    on_app_loop(client, update)


def test_every_document_builds_and_shows_awkward_text(client: Any) -> None:
    assert len(LONG) == 20_000
    world = marac_meeting(client, housing_name=AGENCY)
    ok(client.patch(f"/api/people/{world.family['victim']['id']}", json={"full_name": VICTIM}))
    _set_description(client, world.rolled_action["id"], PASTED)
    _set_description(client, world.agreed_action["id"], LONG)

    for url in all_urls(world):
        text = body_text(document_of(download(client, url)))
        if f"/agencies/{world.housing['id']}/" in url:
            assert AGENCY in text, url
    full = body_text(document_of(download(client, all_urls(world)[0])))
    assert AGENCY in full
    assert VICTIM in full
    assert SHOWN in full
    housing_actions = body_text(
        document_of(
            download(
                client,
                f"/api/meetings/{world.meeting['id']}/agencies/{world.housing['id']}/actions.docx",
            )
        )
    )
    assert LONG in housing_actions.split("\n")
    assert SHOWN in housing_actions
    for forbidden in ("\x00", "\x0b", "\x0c", "\x01", "\x1f"):
        assert forbidden not in full + housing_actions
