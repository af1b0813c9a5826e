"""Portfolio pages for the signed-in investor: upload with CSRF, problems and the fix-it
download, progress while the import runs, holdings and picking an organisation by hand."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.portfolios.models import Portfolio, PortfolioRun, PortfolioStatus
from tests.conftest import World, csrf_token, sign_in
from tests.portfolios.holdings_support import (
    add_known_organisations,
    good_rows,
    import_portfolio,
    multipart,
    rows_csv,
    second_investor,
    wait_for_all_jobs,
)


def _page(client: FlaskClient, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def _web_upload(client: FlaskClient, url: str, data: bytes, token: str, **fields):
    body, content_type = multipart({"csrf_token": token, **fields}, data, "holdings.csv")
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


def test_bad_rows_show_the_problems_and_the_fix_it_download(
    app: Flask, client: FlaskClient, world: World
) -> None:
    sign_in(client, world["investor"].email)
    page = _page(client, "/portfolios")
    bad = rows_csv([["Apple", "US0378331006", "", "", "", "100"]])
    answer = _web_upload(client, "/portfolios", bad, csrf_token(page))
    assert answer.status_code == 302
    detail = _page(client, answer.headers["Location"])
    assert "The last upload was not accepted" in detail
    assert "&#39;US0378331006&#39; is not a valid ISIN." in detail
    portfolio_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    report = client.get(f"/portfolios/{portfolio_id}/report.xlsx")
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.data))
    assert book["holdings"]["B2"].comment is not None


def test_a_refused_file_is_explained_and_nothing_is_created(
    app: Flask, client: FlaskClient, world: World
) -> None:
    sign_in(client, world["investor"].email)
    page = _page(client, "/portfolios")
    answer = _web_upload(client, "/portfolios", rows_csv([]), csrf_token(page))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/portfolios")
    assert "no data rows" in _page(client, "/portfolios")
    with db.session_scope(app) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Portfolio)).scalar() == 0


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
    app: Flask, client: FlaskClient, world: World
) -> None:
    add_known_organisations(app)
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    sign_in(client, world["investor"].email)
    base = f"/portfolios/{portfolio['id']}"
    page = _page(client, base)
    assert "Upload a new version" in page
    bad = rows_csv([["Apple", "", "", "", "", "30"], ["Apple", "", "", "", "", "70"]])
    answer = _web_upload(client, f"{base}/holdings", bad, csrf_token(page))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(base)
    page = _page(client, base)
    assert "The last upload was not accepted" in page
    assert "Rows 2 and 3 name the same holding in the same country." in page
    assert "The holdings below are those of the previous accepted upload." in page
    assert "Unknown Widgets plc" in page
    wait_for_all_jobs(app)
