"""`concord recommendations`: import checked first, the list with progress, a drafted reply."""

from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.recommendations.importing import SAMPLE_FILE
from models.recommendations.tables import Recommendation
from tests.deployments.test_cli import concord

BAD = (
    "sursa,organism,ciclu,publicat,nr,recomandare,rezumat,tema,pilon,responsabil,masuri\n"
    "GRETA-4,greta,4,2026-06-01,1,Pay compensation.,Despăgubiri,compensation,protection,MJ,\n"
    "GRETA-4,greta,4,2026-06-01,2,Inform victims.,Informare,weather,protection,NOBODY,\n"
)


# the command line reads both databases alike; the model tests cover PostgreSQL
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_recommendations_are_imported_listed_and_a_reply_drafted(
    engine: Engine, tmp_path: Path
) -> None:
    assert concord("load").returncode == 0
    bad = tmp_path / "recomandari.csv"
    bad.write_text(BAD, encoding="utf-8")
    refused = concord("recommendations", "import", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "rândul 3, tema: 'weather' nu este una dintre valorile: 'identification'" in (
        refused.stderr
    )
    assert "1 problemă; nu s-a scris nimic" in refused.stderr
    with Session(engine) as session:
        assert session.exec(select(Recommendation)).all() == []

    dry = concord("recommendations", "import", str(SAMPLE_FILE), "--dry-run")
    assert "10 adăugate" in dry.stdout and "probă" in dry.stdout, dry.stderr
    assert "10 adăugate" in concord("recommendations", "import", str(SAMPLE_FILE)).stdout
    again = concord("recommendations", "import", str(SAMPLE_FILE), env={"CONCORD_LANGUAGE": "en"})
    assert "0 added, 0 updated, 10 unchanged" in again.stdout

    listed = concord("recommendations")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "GRETA-3/6" in line]
    assert lines and "acceptată" in lines[0] and "niciuna" in lines[0]

    bulk = ("recommendations", "status", "implemented", "GRETA-3/4", "greta-3/5")
    unknown_code = concord(*bulk, "GRETA-3/99", "--note", "Raportul ITM 2027")
    assert unknown_code.returncode == 1 and "no recommendation GRETA-3/99" in unknown_code.stderr
    personal = concord(*bulk, "--note", "victima sună la 0721 234 567")
    assert personal.returncode == 1 and "note: the text seems to contain" in personal.stderr
    assert "0721" not in personal.stderr + personal.stdout
    moved = concord(*bulk, "--note", "Raportul ITM 2027")
    assert "implementată: GRETA-3/4, GRETA-3/5" in moved.stdout, moved.stderr
    with Session(engine) as session:
        done = session.exec(
            select(Recommendation.code).where(Recommendation.status == "implemented")
        )
        assert sorted(done) == ["GRETA-3/4", "GRETA-3/5"]

    drafted = concord("recommendations", "reply", "greta-3")
    assert drafted.returncode == 0, drafted.stderr
    assert "GRETA-3: 6 recomandări; fără dovezi: GRETA-3/1" in drafted.stdout
    reply = Path(drafted.stdout.split()[-3])
    headings = [p.text for p in docx.Document(str(reply)).paragraphs if p.style.name == "Heading 2"]
    assert headings[0] == "Recommendation 1 (urges)" and len(headings) == 6
    unknown = concord("recommendations", "reply", "NATO-1")
    assert unknown.returncode == 1 and "the sources are: EU-2025, GRETA-3" in unknown.stderr
