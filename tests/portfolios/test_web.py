"""Portfolio pages for the signed-in investor: upload with CSRF, problems and the fix-it
download, progress while the import runs, holdings and picking an organisation by hand."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.jobs.models import Job
from compliance.portfolios.models import Portfolio, PortfolioRun, PortfolioStatus
from tests.certificates.support import hold_jobs
from tests.conftest import World, csrf_token, sign_in
from tests.portfolios.holdings_support import (
    add_known_organisations,
    good_rows,
    import_portfolio,
    multipart,
    rows_csv,
    rows_xlsx,
    second_investor,
    wait_for_all_jobs,
)


def _page(client: FlaskClient, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def _web_upload(
    client: FlaskClient,
    url: str,
    data: bytes,
    token: str,
    filename: str = "holdings.csv",
    **fields,
):
    body, content_type = multipart({"csrf_token": token, **fields}, data, filename)
    return client.post(url, data=body, content_type=content_type)


def test_investor_uploads_from_the_list_page_and_sees_the_holdings(
    app: Flask, client: FlaskClient, world: World
) -> None:
    known = add_known_organisations(app)
    sign_in(client, world["investor"].email)
    home = _page(client, "/")
    assert 'href="/portfolios"' in home
    page = _page(client, "/portfolios")
    assert "Upload a portfolio" in page and "No portfolio yet." in page
    answer = _web_upload(
        client, "/portfolios", rows_csv(good_rows()), csrf_token(page), name="Fund A"
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    detail = _page(client, location)
    assert "holdings.csv received" in detail
    wait_for_all_jobs(app)
    detail = _page(client, location)
    assert "Fund A" in detail and "Holdings to match by hand (2)" in detail
    assert "Apple Inc." in detail and "by identifier" in detail
    assert f'<option value="{known["Palmas del Sur S.A."]}">' in detail
    assert "job-progress.js" not in detail  # nothing runs any more
    assert "/briefing" in detail
    listing = _page(client, "/portfolios")
    assert "Fund A" in listing and "ready" in listing
    portfolio_id = int(location.rstrip("/").split("/")[-1])
    assert f'action="/portfolios/{portfolio_id}/screenings"' in detail
    again = client.post(
        f"/portfolios/{portfolio_id}/screenings", data={"csrf_token": csrf_token(detail)}
    )
    assert again.status_code == 302
    wait_for_all_jobs(app)
    with db.session_scope(app) as session:
        runs = session.execute(sa.select(PortfolioRun.number)).scalars().all()
    assert sorted(runs) == [1, 2]


def test_the_page_shows_a_progress_bar_while_the_import_waits(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with db.session_scope(app) as session:
        portfolio = Portfolio(
            organisation_id=world["investor"].organisation_id,
            name="Pending",
            filename="p.csv",
            file_sha256="0" * 64,
            status=PortfolioStatus.validating,
        )
        session.add(portfolio)
        session.commit()
        portfolio_id = portfolio.id
    sign_in(client, world["investor"].email)
    page = _page(client, f"/portfolios/{portfolio_id}")
    assert '<progress id="job-progress"' in page and "job-progress.js" in page
    assert f'data-poll-url="/portfolios/{portfolio_id}/progress.json"' in page
    state = client.get(f"/portfolios/{portfolio_id}/progress.json").get_json()
    assert state == {
        "status": "validating",
        "active": True,
        "label": "Checking the file and matching the holdings",
        "percent": 0,
    }
    script = client.get("/static/js/job-progress.js")
    assert script.status_code == 200 and b"data-poll-url" in script.data
    script.close()


def _count(app: Flask, model) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_bad_rows_show_progress_then_the_problems_and_the_fix_it_download(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    held = hold_jobs(app, monkeypatch)
    sign_in(client, world["investor"].email)
    page = _page(client, "/portfolios")
    bad = rows_csv([["Apple", "US0378331006", "", "", "", "100"]])
    answer = _web_upload(client, "/portfolios", bad, csrf_token(page))
    assert answer.status_code == 302
    location = answer.headers["Location"]
    portfolio_id = int(location.rstrip("/").split("/")[-1])
    assert location.endswith(f"/portfolios/{portfolio_id}")
    detail = _page(client, location)
    assert "holdings.csv received" in detail
    assert '<progress id="job-progress"' in detail
    assert "Checking the file and matching the holdings: 0%" in detail
    assert "The last upload was not accepted" not in detail

    held.run_all(app)

    detail = _page(client, location)
    assert "job-progress.js" not in detail
    assert "The last upload was not accepted" in detail
    assert "&#39;US0378331006&#39; is not a valid ISIN." in detail
    assert "No holdings were stored." in detail
    report = client.get(f"/portfolios/{portfolio_id}/report.xlsx")
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.data))
    assert book["holdings"]["B2"].comment is not None


def test_a_file_refused_as_a_whole_is_explained_at_once_and_nothing_is_created(
    app: Flask, client: FlaskClient, world: World
) -> None:
    sign_in(client, world["investor"].email)
    page = _page(client, "/portfolios")
    latin1 = rows_csv([["Compañía", "", "", "", "", "100"]], encoding="latin-1")
    answer = _web_upload(client, "/portfolios", latin1, csrf_token(page))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/portfolios")
    assert "The file is not UTF-8" in _page(client, "/portfolios")
    answer = _web_upload(client, "/portfolios", rows_xlsx(good_rows()), csrf_token(page), "h.xlsm")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/portfolios")
    assert "Workbooks with macros (.xlsm) are refused." in _page(client, "/portfolios")
    assert _count(app, Portfolio) == 0 and _count(app, Job) == 0


def test_a_file_the_import_refuses_is_explained_on_the_portfolio_page(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    held = hold_jobs(app, monkeypatch)
    sign_in(client, world["investor"].email)
    page = _page(client, "/portfolios")
    answer = _web_upload(client, "/portfolios", rows_csv([]), csrf_token(page))
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert '<progress id="job-progress"' in _page(client, location)

    held.run_all(app)

    detail = _page(client, location)
    assert "The last upload was refused" in detail and "no data rows" in detail
    assert "job-progress.js" not in detail


def test_investor_picks_an_organisation_by_search_and_can_forget_it(
    app: Flask, client: FlaskClient, world: World
) -> None:
    known = add_known_organisations(app)
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    sign_in(client, world["investor"].email)
    url = f"/portfolios/{portfolio['id']}/holdings/6"
    page = _page(client, url)
    assert "Unknown Widgets plc" in page and "not found" in page
    results = _page(client, f"{url}?q=banco")
    assert f'value="{known["Banco Andino"]}"' in results
    assert "Red Verde" not in _page(client, f"{url}?q=verde")  # NGOs are not holdings
    answer = client.post(
        f"{url}/organisation",
        data={"organisation_id": str(known["Banco Andino"]), "csrf_token": csrf_token(results)},
    )
    assert answer.status_code == 302
    detail = _page(client, answer.headers["Location"])
    assert "Row 6 (Unknown Widgets plc) is now mapped" in detail
    page = _page(client, url)
    assert "chosen by you" in page and "Forget my choice" in page
    answer = client.post(
        f"{url}/organisation", data={"organisation_id": "", "csrf_token": csrf_token(page)}
    )
    assert "your choice was forgotten" in _page(client, answer.headers["Location"])
    assert "not found" in _page(client, url)
    bad = client.post(
        f"{url}/organisation", data={"organisation_id": "x1", "csrf_token": csrf_token(page)}
    )
    assert bad.status_code == 302 and "Choose an organisation" in _page(client, url)
    without_csrf = client.post(f"{url}/organisation", data={"organisation_id": "1"})
    assert without_csrf.status_code == 400
    wait_for_all_jobs(app)


def test_other_organisations_cannot_see_the_pages(
    app: Flask, client: FlaskClient, world: World
) -> None:
    add_known_organisations(app)
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    for identity, expected in (("company_a", 403), ("reviewer", 403), ("ngo", 403)):
        with app.test_client() as other:
            sign_in(other, world[identity].email)
            assert other.get("/portfolios").status_code == expected
            assert other.get(f"/portfolios/{portfolio['id']}").status_code == expected
    with app.test_client() as anonymous:
        answer = anonymous.get(f"/portfolios/{portfolio['id']}")
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    wait_for_all_jobs(app)


def test_another_investor_gets_404_on_every_page(
    app: Flask, client: FlaskClient, world: World
) -> None:
    add_known_organisations(app)
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    zeta = second_investor(app)
    base = f"/portfolios/{portfolio['id']}"
    with app.test_client() as other:
        sign_in(other, zeta.email)
        page = other.get("/portfolios").get_data(as_text=True)
        assert "No portfolio yet." in page
        for url in (base, f"{base}/progress.json", f"{base}/report.xlsx", f"{base}/holdings/5"):
            assert other.get(url).status_code == 404, url
        token = csrf_token(page)
        answer = other.post(
            f"{base}/holdings/5/organisation", data={"organisation_id": "", "csrf_token": token}
        )
        assert answer.status_code == 404
    wait_for_all_jobs(app)


def test_a_new_version_with_bad_rows_keeps_the_holdings_on_the_page(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    add_known_organisations(app)
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    wait_for_all_jobs(app)  # the screening run the import started
    held = hold_jobs(app, monkeypatch)
    sign_in(client, world["investor"].email)
    base = f"/portfolios/{portfolio['id']}"
    page = _page(client, base)
    assert "Upload a new version" in page
    bad = rows_csv([["Apple", "", "", "", "", "30"], ["Apple", "", "", "", "", "70"]])
    answer = _web_upload(client, f"{base}/holdings", bad, csrf_token(page))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(base)
    page = _page(client, base)
    assert '<progress id="job-progress"' in page
    assert "Unknown Widgets plc" in page  # the holdings stay while the new file is checked

    held.run_all(app)

    page = _page(client, base)
    assert "job-progress.js" not in page
    assert "The last upload was not accepted" in page
    assert "Rows 2 and 3 name the same holding in the same country." in page
    assert "The holdings below are those of the previous accepted upload." in page
    assert "Unknown Widgets plc" in page


def test_a_refusal_of_the_import_reads_in_the_page_language(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    held = hold_jobs(app, monkeypatch)
    client.post("/language", data={"language": "fr"})
    sign_in(client, world["investor"].email)
    answer = _web_upload(
        client, "/portfolios", rows_csv([]), csrf_token(_page(client, "/portfolios"))
    )
    held.run_all(app)

    detail = _page(client, answer.headers["Location"])

    assert "Le fichier a une ligne d&#39;en-tête mais aucune ligne de données." in detail
    portfolio_id = answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    api = app.test_client().get(
        f"/api/v1/portfolios/{portfolio_id}", headers=world["investor"].headers
    )
    assert api.json["refusal"] == "The file has a header row but no data rows."
