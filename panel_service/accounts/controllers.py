"""HTTP for users and agency representatives."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import Provide

from panel_service.accounts import services, tokens
from panel_service.accounts import sign_in as signing
from panel_service.accounts.actor import Actor, provide_session
from panel_service.accounts.schemas import (
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenRead,
    RepresentativeCreate,
    RepresentativeRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from panel_service.accounts.sessions import (
    Session,
    clear_session_cookie,
    session_token,
    set_session_cookie,
)
from panel_service.accounts.tables import Role
from panel_service.pagination import Page, PageParams, provide_page


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_users(
        self,
        actor: Actor,
        page: PageParams,
        role: Role | None = None,
        agency_id: int | None = None,
    ) -> Page[UserRead]:
        return await services.list_users(actor, page, role, agency_id)

    @post()
    async def create_user(self, actor: Actor, data: UserCreate) -> UserRead:
        return await services.create_user(actor, data)

    @get("/{user_id:int}")
    async def get_user(self, actor: Actor, user_id: int) -> UserRead:
        return await services.get_user(actor, user_id)

    @patch("/{user_id:int}")
    async def update_user(self, actor: Actor, user_id: int, data: UserUpdate) -> UserRead:
        return await services.update_user(actor, user_id, data)


class RepresentativeController(Controller):
    path = "/api/agencies/{agency_id:int}/representatives"
    tags = ["agencies"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_representatives(
        self, actor: Actor, agency_id: int, page: PageParams
    ) -> Page[RepresentativeRead]:
        return await services.list_representatives(actor, agency_id, page)

    @post()
    async def add_representative(
        self, actor: Actor, agency_id: int, data: RepresentativeCreate
    ) -> RepresentativeRead:
        return await services.add_representative(actor, agency_id, data)

    @delete("/{representative_id:int}")
    async def remove_representative(
        self, actor: Actor, agency_id: int, representative_id: int
    ) -> None:
        await services.remove_representative(actor, agency_id, representative_id)


class AuthController(Controller):
    """Signing in and out, and setting up the second factor. A session that has not yet
    given the second factor may use these routes and no others."""

    path = "/api/auth"
    tags = ["sign-in"]
    dependencies = {"session": Provide(provide_session)}

    @post("/sign-in", status_code=200)
    async def sign_in(
        self, request: Request[Any, Any, Any], data: signing.SignInRequest
    ) -> Response[signing.SignedIn]:
        """Password, plus the TOTP (or a recovery) code once two-factor is set up. Any
        session the browser had ends and a new one starts."""
        signed_in, token = await signing.sign_in(data, session_token(request))
        response = Response(signed_in)
        set_session_cookie(response, request, token)
        return response

    @post("/sign-out", status_code=200)
    async def sign_out(
        self, request: Request[Any, Any, Any], session: Session
    ) -> Response[dict[str, str]]:
        token = session_token(request)
        assert token is not None
        await signing.sign_out(session, token)
        response: Response[dict[str, str]] = Response({"status": "signed out"})
        clear_session_cookie(response, request)
        return response

    @get("/me")
    async def whoami(self, session: Session) -> signing.SignedIn:
        """Who this session belongs to, its CSRF token and whether two-factor is done."""
        return signing.whoami(session)

    @post("/totp/enrol", status_code=200)
    async def enrol_totp(self, session: Session) -> signing.TotpEnrolment:
        """A new secret and its QR code for an authenticator app."""
        return await signing.enrol_totp(session)

    @post("/totp/confirm", status_code=200)
    async def confirm_totp(
        self, session: Session, data: signing.TotpConfirm
    ) -> signing.RecoveryCodes:
        """The first code from the app switches two-factor on; returns recovery codes once."""
        return await signing.confirm_totp(session, data)

    @put("/password", status_code=204)
    async def change_password(self, session: Session, data: signing.PasswordChange) -> None:
        """Change your own password; every session you have ends (sign in again)."""
        await signing.change_password(session, data)


class ApiTokenController(Controller):
    """Tokens for integrations (administrators); the token shows once, at creation."""

    path = "/api/auth/tokens"
    tags = ["auth"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @post()
    async def create_token(self, actor: Actor, data: ApiTokenCreate) -> ApiTokenIssued:
        return await tokens.create_token(actor, data)

    @get()
    async def list_tokens(self, actor: Actor, page: PageParams) -> Page[ApiTokenRead]:
        return await tokens.list_tokens(actor, page)

    @post("/{token_id:int}/revoke", status_code=200)
    async def revoke_token(self, actor: Actor, token_id: int) -> ApiTokenRead:
        return await tokens.revoke_token(actor, token_id)
