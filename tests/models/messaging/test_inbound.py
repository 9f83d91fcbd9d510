"""Reading inbound email: replies in Romanian and English, forwards, robots and bounces."""

import hashlib
import time
from pathlib import Path

import pytest

from models.messaging.inbound import (
    FailedRecipient,
    InboundKind,
    MalformedMail,
    ParsedMail,
    parse_mail,
    reply_tokens,
)
from models.messaging.inbound_text import html_to_text, new_text

MAIL = Path(__file__).parent / "mail"
DASH = "\N{EN DASH}"


def parse(name: str) -> ParsedMail:
    """The sample message of that name, parsed."""
    return parse_mail((MAIL / name).read_bytes())


def mail(headers: str, body: str = "Am primit.") -> bytes:
    """A minimal plain-text message with the given extra headers."""
    return (
        "From: Punct focal ANITP <focal@anitp.example>\n"
        "To: answers+ab12cd34@concord.example\n"
        "Message-ID: <m1@mail.anitp.example>\n"
        f"{headers}\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n"
    ).encode()


def test_a_romanian_gmail_reply_keeps_its_words_and_its_csv() -> None:
    parsed = parse("ro_gmail_reply_csv.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.message_id == "CAG3xq2dK8p1vJt5nQ7=ro-gmail-1@mail.anitp.example"
    assert parsed.sender == "focal@anitp.example"
    assert parsed.addressed_to == ["answers+ab12cd34@concord.example", "coordonare@anitp.example"]
    assert parsed.subject == f"Re: Raport trimestrial {DASH} runda 7"
    assert parsed.refers_to == ["outbox-41.ab12cd34@concord.example", "round-7.q3@concord.example"]
    assert parsed.text == (
        "Bună ziua,\n\nVă transmitem atașat raportul pentru trimestrul III 2026.\n"
        "Datele pentru județul Sălaj sunt provizorii."
    )
    [csv] = parsed.attachments
    assert (csv.filename, csv.content_type) == ("raport_T3_2026.csv", "text/csv")
    assert csv.data.startswith(b"judet;cazuri_identificate")
    assert parsed.failed == []
    assert parsed.original_message_id is None


def test_a_romanian_outlook_reply_in_html_only_loses_its_history_and_logo() -> None:
    parsed = parse("ro_outlook_html.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.text == (
        "Bună ziua,\n\nConfirmăm primirea solicitării. Raportul DGASPC Cluj va fi transmis "
        "până la data de 14.12.2026."
    )
    assert "Trimis:" not in parsed.text
    assert "Vă rugăm" not in parsed.text
    assert parsed.refers_to == ["outbox-42.c0ffee12@concord.example"]
    assert parsed.attachments == []  # the logo is shown inline by the HTML, not a file


def test_a_romanian_thunderbird_reply_drops_quoted_lines_and_signature() -> None:
    parsed = parse("ro_thunderbird_reply.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.subject == f"Re: Solicitare de informații {DASH} runda 7"
    assert parsed.text == (
        "Bună ziua,\n\nÎn trimestrul III nu am avut activități de prevenire în școli.\n"
        "Vom relua campania în ianuarie."
    )
    assert parsed.refers_to == ["outbox-43.5e5e5e5e@concord.example"]
    assert parsed.attachments == []


def test_an_english_gmail_reply_keeps_a_hyphen_list() -> None:
    parsed = parse("en_gmail_reply.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.text == (
        "Hello,\n\nPlease find the figures for Q3 below. We will send the full report on Friday.\n"
        "- identified: 12\n- referred: 10"
    )
    assert "wrote:" not in parsed.text
    assert parsed.refers_to == ["outbox-44.ab12cd34@concord.example"]


def test_an_english_outlook_reply_carries_its_workbook() -> None:
    parsed = parse("en_outlook_xlsx.eml")
    assert parsed.kind is InboundKind.REPLY  # X-Auto-Response-Suppress alone is no robot
    assert parsed.text == (
        "Dear Secretariat,\n\nThe completed workbook is attached. Two counties are still "
        "missing and will follow next week."
    )
    assert "Sent:" not in parsed.text
    assert parsed.addressed_to == ["answers+0a0b0c0d@concord.example", "registry@diicot.example"]
    [workbook] = parsed.attachments
    assert workbook.filename == "Q3 report DIICOT.xlsx"
    assert workbook.content_type.endswith("spreadsheetml.sheet")
    assert workbook.data.startswith(b"PK\x03\x04")


def test_an_inline_forward_gives_the_note_then_the_forwarded_words() -> None:
    parsed = parse("fwd_inline.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.text == (
        "Vă redirecționez răspunsul DGASPC Bihor, primit pe adresa mea.\n\nCoordonator ANITP\n\n"
        "Bună ziua,\n\nRaportul nostru este completat în portal; nu avem cazuri noi în "
        "trimestrul III."
    )
    assert "Vă rugăm" not in parsed.text
    assert "Mesaj redirecționat" not in parsed.text
    assert parsed.refers_to == ["CAB+dgaspc-bihor-reply@mail.dgaspc-bihor.example"]


def test_a_forward_as_attachment_brings_the_inner_thread_and_files() -> None:
    parsed = parse("fwd_attached.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.subject == f"TR: Răspuns IGPF {DASH} runda 7"
    assert parsed.text == (
        "Răspunsul IGPF a ajuns doar la mine; îl atașez.\n\nCoordonator ANITP\n\n"
        "Bună ziua,\n\nAtașăm raportul Poliției de Frontieră pentru trimestrul III."
    )
    assert "Mesaj original" not in parsed.text
    assert parsed.refers_to == ["outbox-46.d4d4d4d4@concord.example", "round-7.q3@concord.example"]
    assert [(f.filename, f.content_type) for f in parsed.attachments] == [
        ("raport_IGPF_T3.pdf", "application/pdf")
    ]
    assert parsed.attachments[0].data.startswith(b"%PDF-1.7")


def test_a_romanian_vacation_answer_is_an_auto_reply() -> None:
    parsed = parse("ro_auto_replied.eml")
    assert parsed.kind is InboundKind.AUTO_REPLY
    assert parsed.subject.startswith("Răspuns automat:")
    assert "Sunt în concediu până la 4 ianuarie 2027" in parsed.text
    assert parsed.refers_to == ["outbox-41.ab12cd34@concord.example"]


def test_an_exchange_out_of_office_is_an_auto_reply() -> None:
    parsed = parse("exchange_oof.eml")
    assert parsed.kind is InboundKind.AUTO_REPLY
    assert parsed.text == (
        "I am out of the office until 4 January 2027 with no access to email.\n"
        "For urgent matters please contact registry@diicot.example."
    )
    assert parsed.refers_to == ["outbox-45.0a0b0c0d@concord.example"]


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ("Subject: Re: Raport\nAuto-Submitted: auto-generated", InboundKind.AUTO_REPLY),
        ("Subject: Re: Raport\nAuto-Submitted: no", InboundKind.REPLY),
        ("Subject: Re: Raport\nAuto-Submitted: no (written by a person)", InboundKind.REPLY),
        ("Subject: Re: Raport\nX-Autoreply: yes", InboundKind.AUTO_REPLY),
        ("Subject: Re: Raport\nX-Autorespond: vacation", InboundKind.AUTO_REPLY),
        ("Subject: Re: Raport\nPrecedence: junk", InboundKind.AUTO_REPLY),
        ("Subject: Re: Raport\nPrecedence: list", InboundKind.REPLY),
        ("Subject: Re: Raport\nX-Auto-Response-Suppress: All", InboundKind.REPLY),
        ("Subject: Re: Raport\nX-Auto-Response-Suppress: OOF, AutoReply", InboundKind.REPLY),
        (
            "Subject: Re: Raport\nX-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent",
            InboundKind.AUTO_REPLY,
        ),
        ("Subject: Automatic reply: Raport", InboundKind.AUTO_REPLY),
        ("Subject: Auto: Raport", InboundKind.AUTO_REPLY),
        ("Subject: Out of Office: Raport", InboundKind.AUTO_REPLY),
        ("Subject: AutoReply: Raport", InboundKind.AUTO_REPLY),
        ("Subject: Raspuns automat: Raport", InboundKind.AUTO_REPLY),
        ("Subject: =?utf-8?q?R=C4=83spuns_automat=3A_Raport?=", InboundKind.AUTO_REPLY),
        ("Subject: Absent de la birou", InboundKind.AUTO_REPLY),
        ("Subject: Re: Automatic reply settings", InboundKind.REPLY),
        ("Subject: Autorizatii emise", InboundKind.REPLY),
        ("Subject: Auto parc: inventar", InboundKind.REPLY),
    ],
)
def test_the_auto_reply_rule(headers: str, kind: InboundKind) -> None:
    assert parse_mail(mail(headers)).kind is kind


def test_a_postfix_hard_bounce_names_the_unknown_user_and_our_message() -> None:
    parsed = parse("postfix_dsn_hard.eml")
    assert parsed.kind is InboundKind.BOUNCE  # though it says Auto-Submitted: auto-replied
    assert parsed.failed == [
        FailedRecipient(
            address="fost.focal@dgaspc-arad.example",
            status="5.1.1",
            permanent=True,
            diagnostic="550 5.1.1 <fost.focal@dgaspc-arad.example>: Recipient address rejected: "
            "User unknown in virtual mailbox table",
        )
    ]
    assert parsed.original_message_id == "outbox-47.e5e5e5e5@concord.example"
    assert parsed.attachments == []
    assert "could not\nbe delivered" in parsed.text


def test_an_exchange_bounce_is_read_from_its_report() -> None:
    parsed = parse("exchange_dsn.eml")
    assert parsed.kind is InboundKind.BOUNCE
    [failed] = parsed.failed
    assert (failed.address, failed.status, failed.permanent) == (
        "focal@isj-arges.example",
        "5.1.10",
        True,
    )
    assert failed.diagnostic.startswith("550 5.1.10 RESOLVER.ADR.RecipientNotFound")
    assert parsed.original_message_id == "outbox-48.f6f6f6f6@concord.example"
    assert parsed.refers_to == ["outbox-48.f6f6f6f6@concord.example"]
    assert parsed.attachments == []  # the returned message's PDF is ours, not theirs
    assert parsed.text.startswith("Your message to focal@isj-arges.example couldn't be delivered.")


def test_a_delayed_delivery_is_a_soft_bounce() -> None:
    parsed = parse("postfix_dsn_delayed.eml")
    assert parsed.kind is InboundKind.BOUNCE
    assert parsed.failed == [
        FailedRecipient(
            address="focal@dgaspc-vaslui.example",
            status="4.2.2",
            permanent=False,
            diagnostic="452 4.2.2 <focal@dgaspc-vaslui.example>: Mailbox full",
        )
    ]  # the recipient delivered to is not listed
    assert parsed.original_message_id == "outbox-49.a9a9a9a9@concord.example"


def test_an_old_style_bounce_is_read_from_its_text() -> None:
    parsed = parse("old_bounce.eml")
    assert parsed.kind is InboundKind.BOUNCE
    assert [(f.address, f.status, f.permanent) for f in parsed.failed] == [
        ("focal@politia-timis.example", "5.1.1", True),
        ("arhiva@politia-timis.example", "4.3.0", False),
    ]
    assert parsed.failed[0].diagnostic.endswith("Recipient address rejected: User unknown")
    assert parsed.original_message_id == "outbox-50.c3c3c3c3@concord.example"


def test_a_message_without_id_gets_a_stable_digest() -> None:
    raw = (MAIL / "no_message_id.eml").read_bytes()
    first, second = parse_mail(raw), parse_mail(raw)
    assert first.message_id == second.message_id == "sha256-" + hashlib.sha256(raw).hexdigest()
    assert first.text == "Raportul a fost trimis prin posta."
    assert first.refers_to == []


def test_a_broken_charset_and_bad_base64_do_not_stop_the_reading() -> None:
    parsed = parse("broken_charset.eml")
    assert parsed.kind is InboundKind.REPLY
    assert parsed.subject.startswith("Re: Raport")
    assert parsed.text.startswith("Raportul ")
    assert "anexa sunt" in parsed.text
    assert "\ufffd" in parsed.text
    assert parsed.refers_to == ["outbox-41.ab12cd34@concord.example"]
    assert [f.filename for f in parsed.attachments] == ["anexa.xls"]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n",
        b"just some words\nand more\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n",
    ],
)
def test_bytes_that_are_no_email_are_refused(raw: bytes) -> None:
    with pytest.raises(MalformedMail):
        parse_mail(raw)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Da.\n\nPe 6 dec. 2026, la 10:12, Secretariat Concord <a@concord.example>"
            " a scris:\n> x",
            "Da.",
        ),
        (
            "Da.\n\n-----Mesaj original-----\nDe la: Concord\nData: 6 dec. 2026\nSubiect: x\n\nx",
            "Da.",
        ),
        (
            "Da.\n\nDe la: Secretariat Concord <a@concord.example>\n"
            "Trimis: duminică, 6 decembrie 2026\nCătre: focal@anitp.example\n"
            "Cc: coordonare@anitp.example\nSubiect: Raport\n\nx",
            "Da.",
        ),
        ("Da.\n\nCu deosebită considerație,\nPunct focal\n", "Da."),
        ("Da.\n-- \nPunct focal ANITP\nTel. 021 000 000", "Da."),
        ("Da.\n\nTrimis de pe iPhone", "Da."),
        (
            "Cu respectarea termenului, trimitem raportul.",
            "Cu respectarea termenului, trimitem raportul.",
        ),
        ("În dum., 6 dec. 2026 la 10:12, Concord <a@concord.example> a scris:\n> x", ""),
        ("Da.\n\n> quoted without a header\n> more", "Da."),
        ("Da.\n\nBegin forwarded message:\n\nFrom: Concord\nSubject: x\nDate: azi\n\nx", "Da."),
    ],
)
def test_romanian_quote_headers_and_signatures(body: str, expected: str) -> None:
    assert new_text(body) == expected


def test_an_empty_plain_part_gives_way_to_the_html() -> None:
    raw = (
        "From: focal@anitp.example\nSubject: Re: Raport\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\n\n"
        "--b\nContent-Type: text/html; charset=utf-8\n\n<p>Raportul e atașat.</p>\n--b--\n"
    ).encode()
    assert parse_mail(raw).text == "Raportul e atașat."


def test_a_huge_line_that_opens_like_a_quote_header_is_read_quickly() -> None:
    started = time.monotonic()
    text = new_text("On " + "cuvânt " * 8000 + "\n\nÎn " + "x" * 50000 + "\n" + "On " * 20000)
    assert time.monotonic() - started < 5
    assert text.startswith("On cuvânt")


@pytest.mark.parametrize(
    "html",
    [
        # Outlook desktop: the header block sits in a bordered div, not in divRplyFwdMsg
        "<div class=WordSection1><p class=MsoNormal>Am completat formularul.</p>"
        "<p class=MsoNormal>&nbsp;</p><div style='border-top:solid #E1E1E1 1.0pt'>"
        "<p class=MsoNormal><b>De la:</b> Secretariat Concord &lt;answers@concord.example&gt;<br>"
        "<b>Trimis:</b> duminică, 6 decembrie 2026 10:12<br><b>Către:</b> focal@anitp.example<br>"
        "<b>Subiect:</b> Raport</p></div><p class=MsoNormal>Vă rugăm</p></div>",
        # Thunderbird: the "a scris:" line comes before the cited blockquote
        "<p>Am completat formularul.</p><div class='moz-cite-prefix'>La 06.12.2026 10:12, "
        "Secretariat Concord a scris:<br></div><blockquote type='cite'>Vă rugăm</blockquote>",
        # Gmail
        "<div dir='ltr'>Am completat formularul.</div><br><div class='gmail_quote'>"
        "<div class='gmail_attr'>În dum., 6 dec. 2026 la 10:12, Concord a scris:</div>"
        "<blockquote class='gmail_quote'>Vă rugăm</blockquote></div>",
    ],
)
def test_html_replies_of_each_client_lose_their_history(html: str) -> None:
    assert new_text(html_to_text(html)) == "Am completat formularul."


def test_html_keeps_line_breaks_and_drops_scripts_comments_and_quotes() -> None:
    html = (
        "<style>p{color:red}</style><div>Unu<!-- note -->doi</div><div><br></div>"
        "<p>trei<br>patru<script>alert(1)</script></p>"
        '<blockquote type="cite">citat</blockquote><p>după citat</p>'
    )
    assert html_to_text(html) == "Unudoi\n\ntrei\npatru"


def test_reply_tokens() -> None:
    addresses = [
        "Answers+AB12cd34@Concord.Example",
        "answers@concord.example",
        "answers+ff00@other.example",
        "questions+1234@concord.example",
        "answers+99zz@concord.example",
        "answers+AB12cd34@concord.example",
    ]
    assert reply_tokens(addresses, "answers@concord.example") == ["AB12cd34", "99zz"]
    assert reply_tokens(addresses, "ANSWERS@CONCORD.EXAMPLE") == ["AB12cd34", "99zz"]
    assert reply_tokens([], "answers@concord.example") == []
    assert reply_tokens(
        parse("ro_gmail_reply_csv.eml").addressed_to, "answers@concord.example"
    ) == ["ab12cd34"]
