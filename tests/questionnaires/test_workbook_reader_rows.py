"""Reading a sheet's rows pauses the cycle collector only while calamine builds them."""

from __future__ import annotations

import gc
import io

import openpyxl
import pytest

from questionnaires.workbook_reader import open_untrusted_xlsx


def two_row_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(["Name", "Workers"])
    book.active.append(["Acme", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def collector_state():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_rows_leave_the_cycle_collector_as_they_found_it(enabled: bool) -> None:
    workbook = open_untrusted_xlsx(two_row_workbook())
    if enabled:
        gc.enable()
    else:
        gc.disable()

    rows = workbook.rows("Data")

    assert rows == [["Name", "Workers"], ["Acme", 12.0]]
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("collector_state")
def test_the_cycle_collector_comes_back_when_reading_fails() -> None:
    workbook = open_untrusted_xlsx(two_row_workbook())
    gc.enable()

    with pytest.raises(Exception, match="Missing"):
        workbook.rows("Missing")

    assert gc.isenabled()
