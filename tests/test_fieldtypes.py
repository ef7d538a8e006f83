"""Field types (assistant/fieldtypes.py): what people really type into a register's cells.

Every test feeds an object Series of raw cells, the way python-calamine hands them over (str, float,
int, bool, datetime.date / datetime.datetime, None), and checks the typed value, the `empty` flag
and the error code of each cell.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from assistant.fieldtypes import TYPES, Parsed

ALL_TYPES = ["string", "integer", "number", "percent", "date", "datetime", "boolean", "phone", "email", "id_card"]


def parse(type_name: str, values: list, index: list | None = None) -> Parsed:
    return TYPES[type_name].parse(pd.Series(values, index=index, dtype=object))


def single(type_name: str, value) -> tuple[object, bool, str | None]:
    """(typed value, empty?, error code or None) of a one-cell column."""
    p = parse(type_name, [value])
    assert p.errors.index.isin([0]).all()
    code = p.errors.get(0)
    return p.values.iloc[0], bool(p.empty.iloc[0]), code


def id_number(first17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character, computed from the definition (weights 2^(17-i) mod 11)."""
    total = sum(int(ch) * (2 ** (17 - i) % 11) for i, ch in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


# --- registry ---------------------------------------------------------------------------------------

def test_every_schema_type_is_registered():
    assert set(ALL_TYPES) <= set(TYPES)
    for name in ALL_TYPES:
        assert TYPES[name].name == name
        assert TYPES[name].kind in ("text", "number", "date", "bool")


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_empty_column(type_name):
    p = parse(type_name, [])
    assert len(p.values) == 0 and len(p.empty) == 0 and len(p.errors) == 0


# --- empties ----------------------------------------------------------------------------------------

EMPTIES = [None, "", " ", "   ", "\t", "\n", "\u3000", "\u00a0", " \u3000 \t", float("nan"), np.nan]


@pytest.mark.parametrize("type_name", ALL_TYPES)
@pytest.mark.parametrize("blank", EMPTIES, ids=repr)
def test_blank_cells_are_empty_never_errors(type_name, blank):
    value, empty, code = single(type_name, blank)
    assert empty is True
    assert code is None
    assert pd.isna(value)


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_blanks_among_values_stay_empty(type_name):
    p = parse(type_name, [None, "  ", "五十", float("nan"), "\u3000"])
    assert p.empty.tolist() == [True, True, False, True, True]
    assert not p.valid[[0, 1, 3, 4]].any()
    assert 0 not in p.errors.index and 3 not in p.errors.index


# --- date -------------------------------------------------------------------------------------------

GOOD_DATES = [
    (dt.date(2026, 11, 5), "2026-11-05"),  # a date cell
    (dt.datetime(2026, 11, 5), "2026-11-05"),
    (dt.datetime(2026, 11, 5, 14, 30), "2026-11-05"),  # a date-time cell in a date column: the day counts
    (pd.Timestamp("2026-11-05"), "2026-11-05"),
    (46331.0, "2026-11-05"),  # Excel serial number
    (46331, "2026-11-05"),
    (45658.0, "2025-01-01"),
    (46387.0, "2026-12-31"),
    (20261105, "2026-11-05"),  # yyyymmdd typed as a number
    (20261105.0, "2026-11-05"),
    ("20261105", "2026-11-05"),
    ("2026-11-05", "2026-11-05"),
    ("2026/11/5", "2026-11-05"),
    ("2026.11.05", "2026-11-05"),
    ("2026年11月5日", "2026-11-05"),
    ("2026年11月05日", "2026-11-05"),
    ("2026 年 11 月 5 日", "2026-11-05"),
    ("２０２６－１１－３０", "2026-11-30"),  # full-width digits and dash
    ("２０２６年１１月３０日", "2026-11-30"),
    ("２０２６/１１/３０", "2026-11-30"),
    ("  2026-11-05  ", "2026-11-05"),
    ("\u30002026-11-05\u3000", "2026-11-05"),
    ("2024-02-29", "2024-02-29"),  # leap day
    ("2000-02-29", "2000-02-29"),
    ("2026-1-1", "2026-01-01"),
    ("1958-07-01", "1958-07-01"),
    ("2026-11-05 14:30", "2026-11-05"),  # a time part is dropped for a date field
]


@pytest.mark.parametrize("raw, expected", GOOD_DATES, ids=repr)
def test_date_good(raw, expected):
    value, empty, code = single("date", raw)
    assert code is None and not empty
    assert value == pd.Timestamp(expected)


BAD_DATES = [
    "2026.13.45",  # from the issue
    "12月32日",
    "下周五",
    "2026-02-29",  # 2026 is not a leap year
    "1900-02-29",
    "2026-04-31",
    "2026-00-10",
    "2026-11-00",
    "2026/13/01",
    "2026年11月",  # no day
    "11月5日",  # no year
    "26-11-05",  # two-digit year
    "11/05/2026",
    "2026-11-05-01",
    "20261345",
    "2026110",
    "待定",
    "已办结",
    "2026-11-05 25:00",  # not a time of day
    "2026-11-05 14:75",
    "0000-01-01",
    "١٢",
    True,  # a boolean cell is no date
    False,
    -1.0,  # negative and sub-day numbers are no serials
    0.5,
    1e20,
    float("inf"),
    float("-inf"),
    dt.time(14, 30),  # a time-only cell
]


@pytest.mark.parametrize("raw", BAD_DATES, ids=repr)
def test_date_bad(raw):
    value, empty, code = single("date", raw)
    assert code == "invalid_date"
    assert not empty
    assert pd.isna(value)


def test_date_values_are_midnight_timestamps():
    p = parse("date", [dt.datetime(2026, 11, 5, 23, 59), "2026-11-05 08:00", 46331.75])
    assert str(p.values.dtype) == "datetime64[ns]"
    assert p.values.tolist() == [pd.Timestamp("2026-11-05")] * 3


def test_date_serials_follow_excel_calendar():
    # Excel's serial 61 is 1900-03-01 (it counts a 1900-02-29 that never existed); after that
    # serial n is n days after 1899-12-30.
    p = parse("date", [61.0, 25569.0, 36526.0, 43831.0])
    assert p.values.tolist() == [pd.Timestamp(d) for d in ("1900-03-01", "1970-01-01", "2000-01-01", "2020-01-01")]


@pytest.mark.parametrize("raw", [
    dt.date(1, 1, 1), dt.datetime(9999, 12, 31), dt.date(3000, 1, 1),  # cells beyond datetime64[ns]
    "9999-12-31", "0001-01-01", "1600-01-01", "2300-01-01",
    2958465.0, 200000.0, 150000,  # serials past 2262
], ids=repr)
def test_date_out_of_range_is_an_error_not_a_crash(raw):
    value, empty, code = single("date", raw)
    assert code == "invalid_date" and pd.isna(value) and not empty


def test_date_mixed_column_keeps_positions():
    raw = ["2026-11-05", "2026.13.45", None, 46331.0, "下周五", dt.date(2026, 1, 2), "  "]
    p = parse("date", raw)
    assert p.errors.to_dict() == {1: "invalid_date", 4: "invalid_date"}
    assert p.empty.tolist() == [False, False, True, False, False, False, True]
    assert p.valid.tolist() == [True, False, False, True, False, True, False]
    assert p.values[0] == p.values[3] == pd.Timestamp("2026-11-05")
    assert p.values[5] == pd.Timestamp("2026-01-02")
    assert p.values[[1, 2, 4, 6]].isna().all()


def test_errors_are_indexed_by_cell_labels_not_positions():
    p = parse("date", ["2026-11-05", "2026.13.45", None, "下周五"], index=[7, 3, 11, 5])
    assert p.errors.to_dict() == {3: "invalid_date", 5: "invalid_date"}
    assert p.values.index.tolist() == [7, 3, 11, 5]
    assert p.values[7] == pd.Timestamp("2026-11-05")
    assert p.empty[11] and not p.empty[3]


def test_repeated_texts_parse_alike():
    # Distinct texts are parsed once and spread back: every copy must land on its own row.
    raw = ["2026-11-05", "下周五", "２０２６－１１－３０", None] * 250
    p = parse("date", raw)
    bad = [i for i, v in enumerate(raw) if v == "下周五"]
    assert p.errors.index.tolist() == bad
    assert (p.values[0::4] == pd.Timestamp("2026-11-05")).all()
    assert (p.values[2::4] == pd.Timestamp("2026-11-30")).all()
    assert p.empty[3::4].all()


# --- datetime ---------------------------------------------------------------------------------------

GOOD_DATETIMES = [
    (dt.datetime(2026, 11, 5, 14, 30), "2026-11-05 14:30"),
    (dt.datetime(2026, 11, 5, 14, 30, 15), "2026-11-05 14:30:15"),
    (dt.date(2026, 11, 5), "2026-11-05 00:00"),
    ("2026-11-05 14:30", "2026-11-05 14:30"),
    ("2026-11-05 14:30:15", "2026-11-05 14:30:15"),
    ("2026-11-05T14:30", "2026-11-05 14:30"),
    ("2026/11/5 9:05", "2026-11-05 09:05"),
    ("2026年11月5日 14时30分", "2026-11-05 14:30"),
    ("2026年11月5日14:30", "2026-11-05 14:30"),
    ("２０２６－１１－０５　１４：３０", "2026-11-05 14:30"),
    ("2026-11-05", "2026-11-05 00:00"),
    ("2026-11-05 00:00", "2026-11-05 00:00"),
    ("2026-11-05 23:59:59", "2026-11-05 23:59:59"),
    (46331.0, "2026-11-05 00:00"),
    (46331.5, "2026-11-05 12:00"),
    (46331 + 14.5 / 24, "2026-11-05 14:30"),  # float noise must not leave 14:30:00.0288
    (46331 + (8 * 3600 + 5 * 60 + 7) / 86400, "2026-11-05 08:05:07"),
    (20261105, "2026-11-05 00:00"),
]


@pytest.mark.parametrize("raw, expected", GOOD_DATETIMES, ids=repr)
def test_datetime_good(raw, expected):
    value, empty, code = single("datetime", raw)
    assert code is None and not empty
    assert value == pd.Timestamp(expected)


@pytest.mark.parametrize("raw", [
    "2026-11-05 24:00", "2026-11-05 25:00", "2026-11-05 14:60", "2026-11-05 14:30:60", "2026-11-05 14:30:99",
    "2026-13-05 14:30", "2026-02-30 08:00", "下午三点", "明天上午", "14:30", True, -3.0, dt.time(9, 0),
], ids=repr)
def test_datetime_bad(raw):
    value, empty, code = single("datetime", raw)
    assert code == "invalid_datetime" and pd.isna(value) and not empty


# --- integer / number -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (35, 35), (35.0, 35), ("35", 35), (" 35 ", 35), ("３５", 35), ("0", 0), (0.0, 0), ("-3", -3), ("+12", 12),
    ("1,234", 1234), ("1,234,567", 1234567), ("１，２３４", 1234), ("12.0", 12), ("1e3", 1000), (np.int64(7), 7),
    (np.float64(8.0), 8), (-0.0, 0), (120000, 120000),
], ids=repr)
def test_integer_good(raw, expected):
    value, empty, code = single("integer", raw)
    assert code is None and not empty
    assert value == expected


@pytest.mark.parametrize("raw", [
    "五十", "三", "35.5", 35.5, 0.1, "35%", "约30", "30人", "1,5", "12,34", "1,2345", "1_000", "0x10", "nan", "inf",
    float("inf"), float("-inf"), "1e999", True, False, dt.date(2026, 1, 1), "--5", "+", ".", "—",
], ids=repr)
def test_integer_bad(raw):
    value, empty, code = single("integer", raw)
    assert code == "invalid_integer" and pd.isna(value) and not empty


@pytest.mark.parametrize("raw, expected", [
    (12.5, 12.5), ("12.5", 12.5), ("１２．５", 12.5), ("-0.5", -0.5), (".5", 0.5), ("5.", 5.0), ("1e-3", 0.001),
    ("2.5E2", 250.0), ("1,234.56", 1234.56), ("-1,234", -1234.0), (3, 3.0), (0, 0.0), (1e300, 1e300),
    (" 88.8 ", 88.8), (np.float64(0.25), 0.25),
], ids=repr)
def test_number_good(raw, expected):
    value, empty, code = single("number", raw)
    assert code is None and not empty
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("raw", [
    "五十", "12.5元", "约12", "1,5", "1,2,3", "3,5", "12.5.1", "NaN", "Infinity", "inf", "1e999", float("inf"),
    float("-inf"), True, dt.date(2026, 11, 5), "١٢", "N/A", "/", "-",
], ids=repr)
def test_number_bad(raw):
    value, empty, code = single("number", raw)
    assert code == "invalid_number" and pd.isna(value) and not empty


def test_number_values_are_floats():
    p = parse("number", [1, "2", 3.5, None])
    assert p.values.dtype == float
    assert p.values[:3].tolist() == [1.0, 2.0, 3.5]


# --- percent ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("35%", 35), ("35", 35), (35, 35), (35.0, 35), ("35 %", 35), ("35％", 35), ("３５％", 35), ("0%", 0),
    ("100%", 100), ("12.5%", 12.5), ("150%", 150), ("-5%", -5), (80, 80), (0.35, 35),
    (0.5, 50), ("0.35", 35),
], ids=repr)
def test_percent_good(raw, expected):
    value, empty, code = single("percent", raw)
    assert code is None and not empty
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("raw", [
    "五十", "百分之三十", "%", "35%%x", "％35", "约35%", "过半", "nan%", "三成", True, float("inf"), dt.date(2026, 1, 1),
], ids=repr)
def test_percent_bad(raw):
    value, empty, code = single("percent", raw)
    assert code == "invalid_percent" and pd.isna(value) and not empty


@pytest.mark.parametrize("column, expected", [
    # A %-formatted column read as fractions: every plain number in [0, 1], some strictly between.
    ([0.35, 0.5, 1.0, 0.0], [35, 50, 100, 0]),
    ([0.35, "35%", None, "80%"], [35, 35, None, 80]),  # cells with a % sign are already points
    ([0.2, "0.75"], [20, 75]),
    # Whole points: nothing is scaled.
    ([35, 80, 100, 0], [35, 80, 100, 0]),
    ([1, 0, 1], [1, 0, 1]),  # no fraction in sight: 1 means 1%
    (["35%", "80%", "5%"], [35, 80, 5]),
    # A column of points with one fraction in it is not a fraction column.
    ([35, 0.5, 80], [35, 0.5, 80]),
], ids=repr)
def test_percent_column_of_fractions(column, expected):
    p = parse("percent", column)
    assert p.errors.empty
    got = [None if pd.isna(v) else v for v in p.values]
    assert got == [None if e is None else pytest.approx(e) for e in expected]


def test_percent_bad_cell_does_not_stop_scaling():
    p = parse("percent", [0.35, "五十", 0.9])
    assert p.errors.to_dict() == {1: "invalid_percent"}
    assert p.values[0] == pytest.approx(35) and p.values[2] == pytest.approx(90)


# --- boolean ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("对", True), ("错", False), ("Y", True), ("N", False), ("y", True), ("n", False),
    ("Yes", True), ("no", False), ("TRUE", True), ("False", False), ("true", True), ("T", True), ("F", False),
    (True, True), (False, False), (np.bool_(True), True), (np.bool_(False), False), (1, True), (0, False),
    (1.0, True), (0.0, False), ("1", True), ("0", False), ("√", True), ("×", False), ("有", True), ("无", False),
    (" 是 ", True), ("Ｙ", True), ("ｎｏ", False),
], ids=repr)
def test_boolean_good(raw, expected):
    value, empty, code = single("boolean", raw)
    assert code is None and not empty
    assert isinstance(value, (bool, np.bool_)) and value == expected


@pytest.mark.parametrize("raw", [
    "是的", "不是", "可能", "待定", "ok", "2", 2, 0.5, -1.0, "yes!", dt.date(2026, 1, 1), "是否", float("inf"),
], ids=repr)
def test_boolean_bad(raw):
    value, empty, code = single("boolean", raw)
    assert code == "invalid_boolean" and pd.isna(value) and not empty


# --- string -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("张三", "张三"),
    ("  张三  ", "张三"),
    ("\u3000党政办\u3000", "党政办"),
    ("ＤＢ－２０２６－００１", "DB-2026-001"),  # NFKC: full-width letters, digits, dash
    ("（已办结）", "(已办结)"),
    ("DB-2026-001", "DB-2026-001"),
    (35.0, "35"),  # whole-number floats without '.0'
    (35, "35"),
    (35.5, "35.5"),
    (-2.0, "-2"),
    (13812345678.0, "13812345678"),
    (0.0, "0"),
    (True, "True"),
    (dt.date(2026, 11, 5), "2026-11-05"),
    (dt.datetime(2026, 11, 5), "2026-11-05"),
    ("五十", "五十"),
    ("2026.13.45", "2026.13.45"),
], ids=repr)
def test_string(raw, expected):
    value, empty, code = single("string", raw)
    assert code is None and not empty
    assert value == expected and isinstance(value, str)


def test_string_of_a_datetime_cell_keeps_date_and_time():
    # The exact clock format (14:30 or 14:30:00) is the display helper's business; the content is not.
    value, empty, code = single("string", dt.datetime(2026, 11, 5, 14, 30))
    assert code is None and not empty
    assert value.startswith("2026-11-05 14:30") and "T" not in value


def test_string_never_errors():
    raw = ["张三", 1.5, True, dt.date(2026, 1, 1), "下周五", float("inf"), -0.0, "x" * 5000, None]
    p = parse("string", raw)
    assert p.errors.empty
    assert p.valid.tolist() == [True] * 8 + [False]


# --- phone ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    (13812345678.0, "13812345678"),  # Excel stored the number as a number
    (13812345678, "13812345678"),
    (np.float64(15900001111.0), "15900001111"),
    ("138-1234-5678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("+86-138-1234-5678", "13812345678"),
    ("0086 138 1234 5678", "13812345678"),
    ("(138)12345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("138\u300012345678", "13812345678"),
    (" 13812345678 ", "13812345678"),
    ("19912345678", "19912345678"),
    ("16600001111", "16600001111"),
], ids=repr)
def test_phone_good(raw, expected):
    value, empty, code = single("phone", raw)
    assert code is None and not empty
    assert value == expected


@pytest.mark.parametrize("raw", [
    "12812345678",  # second digit 2
    "10012345678",
    "1381234567",  # 10 digits
    "138123456789",  # 12 digits
    "010-12345678",  # landline
    "0551-6123456",
    "23812345678",
    "一三八一二三四五六七八",
    "138****5678",
    "1381234567８9",
    "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits are not a Chinese mobile number
    "13٨12345678",
    13812345678.5,
    -13812345678.0,
    1381234567.0,
    1e300,
    float("inf"),
    True,
    dt.date(2026, 1, 1),
    "张三",
], ids=repr)
def test_phone_bad(raw):
    value, empty, code = single("phone", raw)
    assert code == "invalid_phone" and pd.isna(value) and not empty


# --- email ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("dangzhengban@fenghuang.gov.cn", "dangzhengban@fenghuang.gov.cn"),
    ("zhang.san@163.com", "zhang.san@163.com"),
    ("li_si+oa@qq.com", "li_si+oa@qq.com"),
    (" wang@example.org ", "wang@example.org"),
    ("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ", "wang@example.cn"),
    ("A.B-C@Sub-Domain.Example.COM", "A.B-C@Sub-Domain.Example.COM"),
], ids=repr)
def test_email_good(raw, expected):
    value, empty, code = single("email", raw)
    assert code is None and not empty and value == expected


@pytest.mark.parametrize("raw", [
    "dangzhengban", "a@b", "a.b.cn", "a@@b.cn", "a@b.c", "张三@b.cn", "a@张三.cn", "a b@c.cn", "@qq.com", "zhang@",
    "zhang@qq .com", 123.0, True, dt.date(2026, 1, 1),
], ids=repr)
def test_email_bad(raw):
    value, empty, code = single("email", raw)
    assert code == "invalid_email" and pd.isna(value) and not empty


# --- id_card ----------------------------------------------------------------------------------------

def test_id_checksum_helper_matches_the_published_example():
    # GB 11643-1999's own example; keeps the helper below honest.
    assert id_number("11010519491231002") == "11010519491231002X"


GOOD_IDS = [
    "11010519491231002X",
    id_number("44030419900101001"),
    id_number("34010219851230123"),
    id_number("51010720000229004"),  # born on a leap day
    id_number("65010119661001321"),
    id_number("11010519000101002"),  # the plausible birth years run 1900-2099
    id_number("11010520991231002"),
]


@pytest.mark.parametrize("raw", GOOD_IDS + ["11010519491231002x", " 11010519491231002X ", "１１０１０５１９４９１２３１００２Ｘ"],
                         ids=repr)
def test_id_card_good(raw):
    value, empty, code = single("id_card", raw)
    assert code is None and not empty
    assert value == raw.strip().upper().translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))


def _wrong_check(valid: str) -> str:
    alphabet = "0123456789X"
    return valid[:17] + alphabet[(alphabet.index(valid[17]) + 1) % 11]


@pytest.mark.parametrize("raw, expected", [
    (_wrong_check("11010519491231002X"), "id_card_checksum"),
    (_wrong_check(GOOD_IDS[1]), "id_card_checksum"),
    ("110105194912310021", "id_card_checksum"),
    # the check character is right, the birth date is not
    (id_number("11010519491331002"), "id_card_checksum"),  # month 13
    (id_number("11010520260230002"), "id_card_checksum"),  # 30 February
    (id_number("11010520250229002"), "id_card_checksum"),  # 29 February of a common year
    (id_number("11010500000101002"), "id_card_checksum"),  # year 0
    (id_number("11010518500101002"), "id_card_checksum"),  # not a living person's birth year
    (id_number("11010599991231002"), "id_card_checksum"),
    ("1101051949123100", "invalid_id_card"),  # 16 characters
    ("11010519491231002XX", "invalid_id_card"),
    ("110105491231002", "invalid_id_card"),  # the old 15-digit form
    ("11010519491231002Y", "invalid_id_card"),
    ("X10105194912310021", "invalid_id_card"),
    ("110105 19491231 002X", "invalid_id_card"),
    ("110105-19491231-002X", "invalid_id_card"),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "invalid_id_card"),  # Arabic-Indic digits: not a crash
    ("张三", "invalid_id_card"),
    (True, "invalid_id_card"),
    (dt.date(1949, 12, 31), "invalid_id_card"),
    (110105194912310020.0, "id_card_as_number"),  # Excel kept 15 significant digits
    (110105194912310020, "id_card_as_number"),
    (1.1010519491231e17, "id_card_as_number"),
    (4403041990010100.0, "id_card_as_number"),
    (123.0, "invalid_id_card"),  # a short number never was an ID: no "digits lost" story
    (20261105, "invalid_id_card"),
], ids=repr)
def test_id_card_bad(raw, expected):
    value, empty, code = single("id_card", raw)
    assert code == expected and pd.isna(value) and not empty


def test_id_card_mixed_column_codes():
    raw = [GOOD_IDS[0], 110105194912310020.0, _wrong_check(GOOD_IDS[1]), None, "123", GOOD_IDS[2]]
    p = parse("id_card", raw)
    assert p.errors.to_dict() == {1: "id_card_as_number", 2: "id_card_checksum", 4: "invalid_id_card"}
    assert p.valid.tolist() == [True, False, False, False, False, True]


# --- the Parsed contract ----------------------------------------------------------------------------

MIXED = ["张三", None, "2026-11-05", 35.0, 0.35, "13812345678", "是", True, dt.date(2026, 11, 5), "", "  ",
         float("nan"), "五十", "35%", "a@b.cn", "11010519491231002X", 110105194912310020.0, "２０２６－１１－３０"]


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_each_cell_is_exactly_one_of_empty_valid_error(type_name):
    p = parse(type_name, MIXED, index=list(range(100, 100 + len(MIXED))))
    idx = pd.Index(range(100, 100 + len(MIXED)))
    assert p.values.index.equals(idx) and p.empty.index.equals(idx)
    assert p.errors.index.isin(idx).all() and p.errors.index.is_unique
    err = idx.isin(p.errors.index)
    empty = p.empty.to_numpy(dtype=bool)
    valid = p.valid.to_numpy(dtype=bool)
    assert (empty.astype(int) + valid.astype(int) + err.astype(int) == 1).all()
    assert p.empty.tolist() == [v is None or (isinstance(v, float) and math.isnan(v)) or
                                (isinstance(v, str) and not v.strip()) for v in MIXED]
    # Cells that could not be read carry no value; readable cells carry one.
    assert p.values[~p.valid].isna().all()
    assert p.values[p.valid].notna().all()
