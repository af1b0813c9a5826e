"""The public register's lines say "under challenge" as the certificate view does, read for the
whole page in one query."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from compliance import db
from tests.certificates.support import certify
from tests.challenges.support import decide, file_challenge
from tests.conftest import World


def _challenge_queries(app: Flask, call) -> tuple[object, int]:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "challenge" in statement.lower():
            statements.append(statement)

    engine = db.engine(app)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = call()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return answer, len(statements)


def test_register_lines_show_under_challenge_in_one_query(app: Flask, client, world: World) -> None:
    challenged = certify(app, organisation="Minera Alfa S.A.")
    filed_only = certify(app, organisation="Agro Beta Ltda")
    quiet = certify(app, organisation="Hidro Zeta SA")
    decide(client, world, file_challenge(client, world, challenged), action="acknowledge")
    file_challenge(client, world, filed_only)  # filed, not admitted: not under challenge yet

    answer, queries = _challenge_queries(app, lambda: client.get("/api/v1/register"))
    assert answer.status_code == 200
    flags = {item["cert_id"]: item["under_challenge"] for item in answer.get_json()["items"]}
    assert flags == {challenged: True, filed_only: False, quiet: False}
    assert queries == 1
    for cert_id, flag in flags.items():
        full = client.get(f"/api/v1/certificates/{cert_id}").get_json()
        assert full["under_challenge"] is flag

    page, queries = _challenge_queries(app, lambda: client.get("/register"))
    assert queries == 1
    rows = page.get_data(as_text=True).split("<tr>")
    (row,) = [r for r in rows if challenged in r]
    assert "Under challenge" in row
    assert all("Under challenge" not in r for r in rows if quiet in r or filed_only in r)
