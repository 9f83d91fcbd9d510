"""Reading the consolidated report page as data: its KPI figures, tables and notes by id."""

from html.parser import HTMLParser


class Tables(HTMLParser):
    """Reads the report page's KPI figures and tables by id."""

    def __init__(self) -> None:
        super().__init__()
        self.kpis: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.notes: dict[str, str] = {}
        self._kpi: str | None = None
        self._note: str | None = None
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ids = dict(attrs).get("id") or ""
        if tag == "b" and ids.startswith("kpi-"):
            self._kpi = ids
        elif tag == "p" and ids:
            self._note = ids
            self.notes[ids] = ""
        elif tag == "table" and ids:
            self._table = ids
            self.tables[ids] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "p":
            self._note = None

    def handle_data(self, data: str) -> None:
        if self._kpi:
            self.kpis[self._kpi] = data.strip()
            self._kpi = None
        if self._note:
            self.notes[self._note] += data
        if self._cell is not None:
            self._cell.append(data)
