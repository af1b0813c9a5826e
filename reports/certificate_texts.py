"""The words a certificate sheet carries besides its fixed headings, in the reader's language.

`CertificateSheet` takes its tier and status labels, scope lines and status note as text; these
functions write them in a locale, so that whoever builds the sheet (the certificate job) renders
a Spanish or French PDF with no English left in it. Section labels come from the questionnaire
(`questionnaires.localize`), not from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reports.i18n import N_, format_day, format_number, translations

# The published labels of the methodology's tiers and of the certificate statuses; `label`
# translates them and leaves any other text as it is.
KNOWN_LABELS = (
    N_("Not certified"),
    N_("Conditional"),
    N_("Certified"),
    N_("Certified - leading"),
    N_("Active"),
    N_("Suspended"),
    N_("Revoked"),
    N_("Expired"),
    N_("Superseded"),
)


def label(text: str, locale: str = "en") -> str:
    """A tier or status label in `locale`; a label the catalogue does not know stays as given."""
    return translations(locale).gettext(text) if text in KNOWN_LABELS else text


def scope_lines(scope: Mapping[str, Any], locale: str = "en") -> tuple[str, ...]:
    """The scope in words: own operations, and the sites and suppliers listed, if any."""
    catalogue = translations(locale)
    sites, suppliers = scope.get("sites"), scope.get("suppliers")
    lines = []
    if sites is not None:
        listed = catalogue.ngettext("%(num)s site listed", "%(num)s sites listed", sites)
        lines.append(listed % {"num": format_number(sites, locale, decimals=0)})
    if suppliers is not None:
        listed = catalogue.ngettext(
            "%(num)s supplier listed", "%(num)s suppliers listed", suppliers
        )
        lines.append(listed % {"num": format_number(suppliers, locale, decimals=0)})
    if not lines:
        return (
            catalogue.gettext(
                "The organisation's own operations (no site or supplier list was submitted)"
            ),
        )
    versions = ", ".join(str(v) for v in scope.get("dataset_versions", []))
    return (
        catalogue.gettext("The organisation's own operations and:"),
        *lines,
        catalogue.gettext("Dataset versions: %(versions)s") % {"versions": versions},
    )


def status_note(*, active: bool, changed_on: date, locale: str = "en") -> str:
    """Since when the status holds, and where the current one is always shown."""
    catalogue = translations(locale)
    when = format_day(changed_on, locale)
    if active:
        note = catalogue.gettext(
            "As of %(date)s. The current status is always on the verification page."
        )
    else:
        note = catalogue.gettext(
            "Since %(date)s. The current status is always on the verification page."
        )
    return note % {"date": when}
