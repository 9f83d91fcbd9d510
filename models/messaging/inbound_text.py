"""The sender's own words in an inbound email: HTML to text, quoted history and signature cut."""

import re
from email.message import Message

import lxml.etree
import lxml.html
from mailparser_reply import constants as reply_constants
from mailparser_reply.parser import EmailMessage, EmailReply

LANGUAGES = ["ro", "en"]
_Q = reply_constants.QUOTED_MATCH_INCLUDE


def register_romanian() -> None:
    """Teach mail-parser-reply the quote headers of Romanian mail clients: it ships none."""
    reply_constants.MAIL_LANGUAGES["ro"] = {
        "wrote_header": [
            # Gmail "În dum., 6 dec. 2026 la 10:12, X <a@b.ro> a scris:",
            # Thunderbird "La 06.12.2026 10:12, X a scris:"
            rf"^({_Q}(?:În|In|Pe|La)\s[^\n]{{0,300}}?(?:\n[^\n]{{0,300}}?)?\s?a\s+scris(?:\s+\w+)?:)$",
            # the library knows only "Original Message"; forwards in either language split here too
            rf"^({_Q}-{{5,}} ?(?:Mesaj(?:ul)? original|Mesaj redirec[țţt]ionat"
            rf"|Forwarded [Mm]essage|Original [Mm]essage) ?-{{5,}})$",
            # Apple Mail's forward, in English and in Romanian
            rf"^({_Q}(?:Begin forwarded message|[ÎI]nceputul mesajului redirec[țţt]ionat):)$",
        ],
        # Outlook "De la: / Trimis: / Către: / Subiect:"; Gmail's Romanian forward mixes in
        # English "Date: / Subject: / To:" below its "De la:"
        "from_header": r"((?:(?:^|\n|\n"
        + _Q
        + r")[* ]*(?:De la|Trimis|C[ăa]tre|Subiect|Dat[aă]|Cc|Pentru|Organiza[țţt]ie"
        + r"|From|Sent|To|Subject|Date):[ *]*"
        + r"(?:\s{,2}).*){2,}(?:\n.*){,1})",
        "disclaimers": [
            r"Confiden[țţt]ial:",
            r"(?:Avertisment|Not[ăa]) de confiden[țţt]ialitate:",
        ],
        "signatures": [
            r"Cu (?:deosebit[ăa] )?stim[ăa]\b",
            r"Cu (?:deosebit[ăa] )?considera[țţt]ie\b",
            r"Cu respect\b",
            r"Toate cele bune\b",
        ],
        "sent_from": r"Trimis de pe|Trimis din|Ob[țţt]ine[țţt]i Outlook pentru",
    }


register_romanian()

_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|tr|redirec[țţt]ionat)\s*:", re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "footer"}
    | {"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "ol", "p", "pre", "section"}
    | {"table", "tbody", "thead", "tfoot", "tr", "ul"}
)
_DROPPED_TAGS = frozenset({"style", "script", "head", "title", "noscript", "template"})
_LONG_LINE = 250
# the new words come first; past this the body is history or machine output
_READ_AT_MOST = 100_000
_OPENER = re.compile(r"^(?:> ?)*(?:On|În|In|Pe|La)\s", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\v\u200b]+")


def is_forward_subject(subject: str) -> bool:
    """Whether the subject says the message forwards another ("Fwd:", "Fw:", "TR:", …)."""
    return bool(_FORWARD_SUBJECT.match(subject))


def _history_start(element: lxml.etree._Element) -> bool:
    """Whether an HTML element opens the quoted history that Outlook, Gmail or Apple append."""
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = (element.get("class") or "").split()
    return (
        (tag == "div" and element.get("id") in {"divRplyFwdMsg", "appendonsend"})
        or tag == "hr"
        or (tag == "blockquote" and element.get("type") == "cite")
        or "gmail_quote" in classes
    )


def _cut_from(element: lxml.etree._Element) -> None:
    """Remove an element and everything after it in document order."""
    node = element
    parent = node.getparent()
    while parent is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node, parent = parent, parent.getparent()
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _drop_history(root: lxml.etree._Element) -> None:
    """Cut the HTML at the first element that opens quoted history."""
    for element in root.iter():
        if _history_start(element):
            _cut_from(element)
            return


def _flatten(root: lxml.etree._Element) -> str:
    """The text of an HTML tree with line breaks where <br> and block elements put them."""
    out: list[str] = []

    def add(text: str | None) -> None:
        """Append text with its runs of white space made one space."""
        chunk = _SPACES.sub(" ", text or "")
        # the source's own line breaks between blocks are not lines of the message
        if chunk and not (chunk == " " and (not out or out[-1].endswith("\n"))):
            out.append(chunk)

    def soft_break() -> None:
        """End the current line unless it is already ended."""
        if out and not out[-1].endswith("\n"):
            out.append("\n")

    skip: lxml.etree._Element | None = None
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if skip is not None:
            if event == "end" and element is skip:
                skip = None
                add(element.tail)
            continue
        if event == "start" and tag in _DROPPED_TAGS:
            skip = element
        elif event == "start":
            if tag == "br":
                out.append("\n")
            elif tag in _BLOCK_TAGS:
                soft_break()
            add(element.text)
        else:
            if tag in _BLOCK_TAGS:
                soft_break()
            add(element.tail)
    return "".join(out)


def html_to_text(html: str, keep_history: bool = False) -> str:
    """Plain text of an HTML body; Outlook's and Gmail's quoted history dropped unless kept."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    lxml.etree.strip_tags(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction)
    if not keep_history:
        _drop_history(root)
    # a paragraph of a lone &nbsp; is how Outlook writes an empty line
    return tidy(_flatten(root).replace("\xa0", " "))


def tidy(text: str) -> str:
    """Strip each line's ends and keep at most one blank line in a row."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _break_long_openers(text: str) -> str:
    """Break very long lines that open like a quote header ("On …", "În …").

    The library's "On … wrote:" pattern takes time quadratic in such a line's length; a real
    quote header is never this long, so breaking the line changes no split.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        while len(line) > _LONG_LINE and _OPENER.match(line):
            cut = line.rfind(" ", 0, _LONG_LINE)
            cut = cut if cut > 0 else _LONG_LINE
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return "\n".join(lines)


def _fragments(text: str) -> list[EmailReply]:
    """The library's fragments of a body, without those that hold only a quote header."""
    text = _break_long_openers(text[:_READ_AT_MOST])
    message = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    return [reply for reply in message.replies if reply.content != reply.headers]


def _drop_trailing_quotes(text: str) -> str:
    """Drop "> " quoted lines left at the end when a client wrote no quote header."""
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def new_text(text: str) -> str:
    """The newest reply in a plain-text body: no quoted history, no signature."""
    fragments = _fragments(tidy(text))
    if not fragments or fragments[0].headers:
        return ""
    return _drop_trailing_quotes(fragments[0].body)


def forwarded_text(text: str) -> str:
    """A forward's own note followed by the new text of the message it forwards inline."""
    fragments = _fragments(tidy(text))
    if not fragments:
        return ""
    note = "" if fragments[0].headers else _drop_trailing_quotes(fragments[0].body)
    inner = [fragment for fragment in fragments if fragment.headers]
    forwarded = _drop_trailing_quotes(inner[0].body) if inner else ""
    return join_texts(note, forwarded)


def part_text(part: Message) -> str:
    """A text part's content; unknown charsets and bad transfer encodings give replacement marks."""
    try:
        raw = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding must not lose the message
        raw = None
    if not isinstance(raw, bytes):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = _charset_of(part)
    try:
        return raw.decode(charset, "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def _charset_of(part: Message) -> str:
    """The declared charset, or utf-8 when there is none or it cannot be read."""
    try:
        return part.get_content_charset() or "utf-8"
    except Exception:  # a garbled charset parameter
        return "utf-8"


def join_texts(*texts: str) -> str:
    """Non-empty texts, one blank line between them."""
    return "\n\n".join(text for text in texts if text)
