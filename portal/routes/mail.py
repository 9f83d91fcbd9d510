"""The local mail catcher's messages, for a stack without a real SMTP server."""

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse, Response

from portal.dependencies import SettingsDep, require_coordinator
from portal.mailbox import body_of, find_mail, list_mail
from portal.pages import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_coordinator)])


@router.get("/mail", response_class=HTMLResponse)
def mailbox(settings: SettingsDep) -> Response:
    """The newest caught emails first."""
    return render("mail.html", lang="en", mails=list_mail(settings.var_dir / "mail"))


@router.get("/mail/{name}", response_class=HTMLResponse)
def mail_message(name: str, settings: SettingsDep) -> Response:
    """One caught email: its headers, text and HTML parts."""
    message = find_mail(settings.var_dir / "mail", name)
    if message is None:
        raise HTTPException(404, "no such email")
    calendar = message.get_body(("calendar",))
    return render(
        "mail_message.html",
        lang="en",
        subject=str(message["Subject"]),
        to=str(message["To"]),
        date=str(message["Date"]),
        kind=str(message["X-Concord-Kind"]),
        text=body_of(message, "plain"),
        html=body_of(message, "html"),
        calendar=calendar.get_param("method") if calendar else None,
    )
