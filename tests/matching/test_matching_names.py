"""Company-name normalisation: the same company written differently gives the same words."""

import pytest

from compliance.matching.names import normalise_name


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("COMPAÑÍA MINERA ANTAMINA S.A.", "cia mining antamina"),
        ("Cía. Minera Antamina", "cia mining antamina"),
        ("Grupo México S.A.B. de C.V.", "grupo mexico"),
        ("Inversiones Los Pinares S. de R.L. de C.V.", "inversiones pinares"),
        ("Minera Yanacocha S.R.L.", "mining yanacocha"),
        ("Hudbay Perú S.A.C.", "hudbay peru"),
        ("Amaggi Exportação e Importação Ltda.", "amaggi exportacao importacao"),
        ("Empresas Públicas de Medellín E.S.P.", "empresas publicas medellin"),
        ("PT Adaro Energy Indonesia Tbk", "adaro energy indonesia"),
        ("Sime Darby Plantation Sdn Bhd", "sime darby plantation"),
        ("Musim Mas Holdings Pte. Ltd.", "musim mas"),
        ("Glencore International AG", "glencore international"),
        ("Volkswagen GmbH & Co. KG", "volkswagen"),
        ("Norsk Hydro A/S", "norsk hydro"),
        ("Boliden AB (publ)", "boliden"),
        ("Outokumpu Oyj", "outokumpu"),
        ("Enel Green Power S.p.A.", "enel green power"),
        ("Royal Boskalis Westminster N.V.", "royal boskalis westminster"),
        ("Bolloré SE", "bollore"),
        ("Socfin SARL", "socfin"),
        ("Anglo American plc", "anglo american"),
        ("Cargill, Incorporated", "cargill"),
        ("Zijin Mining Group Co., Ltd.", "zijin mining"),
        ("Sumitomo Kabushiki Kaisha", "sumitomo"),
        ("PJSC MMC Norilsk Nickel", "mmc norilsk nickel"),
        ("Cengiz Holding A.Ş.", "cengiz"),
        ("KGHM Polska Miedź S.A.", "kghm polska miedz"),
        ("Asia Pulp & Paper", "asia pulp paper"),
        ("Sociedad Química y Minera de Chile", "sociedad quimica mining chile"),
        ("The Adani Group", "adani"),
        ("Minera Quispe S. A.", "mining quispe"),
        ("Honduran Agro S. A. de C. V.", "honduran agro"),
        ("A. P. Møller - Mærsk A/S", "ap moller maersk"),
    ],
)
def test_legal_forms_case_accents_and_joining_words_are_removed(written, expected):
    assert normalise_name(written).text == expected


def test_word_order_and_spelling_of_generic_words_do_not_matter():
    spanish = normalise_name("Minera Yanacocha S.R.L.")
    english = normalise_name("Yanacocha Mining Company")
    assert spanish.sorted_text == english.sorted_text == "mining yanacocha"


def test_trailing_group_is_dropped_but_a_leading_grupo_is_kept():
    assert normalise_name("Rimbunan Hijau Group").text == "rimbunan hijau"
    assert normalise_name("Grupo Dinant").text == "grupo dinant"
    assert normalise_name("Grupo México").text != normalise_name("México").text


def test_legal_form_words_inside_a_name_are_kept():
    assert normalise_name("Corporación Dinant S.A. de C.V.").tokens == ("corporacion", "dinant")
    assert normalise_name("Shell Petroleum Development Co. of Nigeria Ltd").tokens == (
        "shell",
        "petroleum",
        "development",
        "company",
        "nigeria",
    )


def test_a_name_that_is_only_a_legal_form_keeps_its_words():
    assert normalise_name("The Company Ltd").text == "company ltd"
    assert normalise_name("S.A.").text == "sa"
    assert normalise_name("").text == ""


def test_cyrillic_is_transliterated():
    assert normalise_name("ГМК «Норильский никель»").text == "gmk norilskiy nikel"
    assert normalise_name("Полюс Золото").text == "polyus zoloto"


def test_vietnamese_legal_prefixes_and_diacritics():
    vinacomin = normalise_name("Tập đoàn Công nghiệp Than – Khoáng sản Việt Nam")
    assert vinacomin.text == "cong nghiep than khoang san viet nam"


def test_compact_forms_bridge_spacing_differences():
    assert (
        normalise_name("Anglo Gold Ashanti").compact == normalise_name("AngloGold Ashanti").compact
    )
    assert normalise_name("Gold Corp").compact_with_form == normalise_name("Goldcorp Inc.").compact


def test_distinctive_words_leave_out_generic_and_country_words():
    name = normalise_name("Compañía Minera Antamina Perú S.A.")
    assert name.distinctive == "antamina"
    assert name.countries == "peru"
    assert normalise_name("Lote 88").digits == "88"
