"""The institutions' portal: signed-link pages, the JSON API, the coordinator's view, mail."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from models.core.settings import get_settings
from portal.pages import link_refused
from portal.routes import coordinator, links, mail
from portal.routes.api import api_router, invalid_body
from portal.routes.partners import partners_router
from portal.security import AccessLog, BodyLimit, LinkError


def create_app() -> FastAPI:
    """The portal application."""
    app = FastAPI(
        title="Concord portal",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.add_api_route("/healthz", lambda: {"ok": True}, include_in_schema=False)
    app.add_exception_handler(LinkError, link_refused)
    app.add_exception_handler(RequestValidationError, invalid_body)
    routers = (links.router, api_router(), partners_router(), coordinator.router, mail.router)
    for router in routers:
        app.include_router(router)
    settings = get_settings()
    app.add_middleware(BodyLimit, max_bytes=settings.portal_max_upload_bytes + 256 * 1024)
    app.add_middleware(AccessLog)
    return app
