"""Property tests for the field types, and an end-to-end round trip through a real .xlsx file.

Part 1 feeds random cells of every kind (text of any script, full-width forms and odd whitespace,
floats with nan/inf/huge/negative values, ints, bools, numpy scalars, dates, datetimes, times,
None) through every type's `parse`: nothing may escape, each cell is exactly one of empty / valid /
error, and error codes are the documented ones. Round-trip properties build values people type
(a date in each accepted form, a mobile number with separators, an ID with its check character) and
check that they read back as what was meant.

Part 2 writes generated registers into real workbooks (openpyxl), runs `assistant check --format
json` in-process and checks that each bad cell yields exactly one finding naming its cell, and that
good and blank cells yield none.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.fieldtypes import TYPES, Parsed
from assistant.text import col_letter
from tests.conftest import TODAY, OfficeFolder, run_cli

ALL_TYPES = ["string", "integer", "number", "percent", "date", "datetime", "boolean", "phone", "email", "id_card"]
ID_CODES = {"invalid_id_card", "id_card_checksum", "id_card_as_number"}
EXCEL_EPOCH = dt.date(1899, 12, 30)
FULL_WIDTH = str.maketrans("0123456789-/.:%,+Xx@abcdefghijklmnopqrstuvwxyz",
                           "０１２３４５６７８９－／．：％，＋Ｘｘ＠ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ")

FAST = settings(max_examples=100, deadline=None)


def parse(type_name: str, values: list) -> Parsed:
    return TYPES[type_name].parse(pd.Series(values, dtype=object))


def id_number(first17: str) -> str:
    """ISO 7064 MOD 11-2 from its definition: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11."""
    total = sum(int(ch) * (2 ** (17 - i) % 11) for i, ch in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


def is_blank(v: object) -> bool:
    """The spec's empties: None, NaN, and text that is only whitespace (full-width included)."""
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).strip() == ""
    return False


# --- strategies: any cell ---------------------------------------------------------------------------

DATEISH = list("0123456789０１２３４５６７８９-/.年月日时分:T %％,，+-eExX是否对错YN\u3000\t\n\xa0") + ["", "19", "20"]
INTERESTING_TEXTS = [
    "2026-11-05", "2026/11/5", "2026.11.05", "2026年11月5日", "２０２６－１１－３０", "2026.13.45", "12月32日", "下周五",
    "2026-11-05 14:30", "2026-11-05 25:00", "20261105", "9999-12-31", "0000-01-01", "35%", "35", "五十", "0.35",
    "1,234", "1,5", "13812345678", "+86 138 1234 5678", "11010519491231002X", "110105194912310021",
    "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "１３８１２３４５６７８", "a@b.cn", "是", "否", "Y", "N", "True", "1", "0", "nan", "inf",
    "-inf", "1e999", "  ", "\u3000", "", "\u200b", "NaN%", "%", "+", ".", "e5",
]
ANY_TEXT = st.one_of(
    st.text(max_size=24),
    st.lists(st.sampled_from(DATEISH), max_size=16).map("".join),  # pieces of dates, numbers and percents
    st.sampled_from(INTERESTING_TEXTS),
    st.sampled_from(INTERESTING_TEXTS).map(lambda t: t.translate(FULL_WIDTH)),
    st.tuples(st.sampled_from(["", " ", "\u3000", "\t", "\xa0\n"]), st.sampled_from(INTERESTING_TEXTS),
              st.sampled_from(["", " ", "\u3000", "\r\n"])).map("".join),
)
ANY_FLOAT = st.one_of(
    st.floats(),  # nan, ±inf, ±0.0, subnormals, ±1.8e308
    st.floats(min_value=-1e6, max_value=3e6),
    st.sampled_from([46331.0, 46331.5, 13812345678.0, 20261105.0, 110105194912310020.0, 0.35, 1.0, 0.0, -1.0,
                     2958465.0, 2958466.0, 200000.0, 21001231.0, 19000101.0, 1e12, 1e20]),
)
ANY_INT = st.one_of(st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1), st.integers(-10 ** 20, 10 ** 20),
                    st.sampled_from([0, 1, 2, -1, 46331, 20261105, 13812345678, 110105194912310020]))
ANY_CELL = st.one_of(
    ANY_TEXT,
    ANY_FLOAT,
    ANY_INT,
    st.booleans(),
    st.sampled_from([np.True_, np.False_]),
    st.floats().map(np.float64),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1).map(np.int64),
    st.dates(),  # year 1 to 9999: beyond what datetime64[ns] holds
    st.datetimes(),
    st.datetimes(min_value=dt.datetime(1678, 1, 1), max_value=dt.datetime(2262, 1, 1)).map(pd.Timestamp),
    st.times(),
    st.none(),
    st.just(float("nan")),
)
COLUMNS = st.lists(ANY_CELL, min_size=0, max_size=12)


def check_partition(type_name: str, raw: list, p: Parsed) -> None:
    n = len(raw)
    idx = pd.RangeIndex(n)
    assert p.values.index.equals(idx) and p.empty.index.equals(idx), "values and empty cover every cell"
    assert p.errors.index.is_unique and p.errors.index.isin(idx).all()
    empty = p.empty.to_numpy(dtype=bool)
    error = idx.isin(p.errors.index)
    valid = p.valid.to_numpy(dtype=bool)
    assert (empty.astype(int) + error.astype(int) + valid.astype(int) == 1).all(), "exactly one of empty/valid/error"
    assert empty.tolist() == [is_blank(v) for v in raw]
    for code in p.errors:
        assert isinstance(code, str) and (code.startswith("invalid_") or code.startswith("id_card_")), code
    if type_name == "id_card":
        assert set(p.errors) <= ID_CODES
    else:
        assert set(p.errors) <= {TYPES[type_name].error_code}
    assert p.values[~valid].isna().all(), "unreadable and empty cells carry no value"
    assert p.values[valid].notna().all(), "readable cells carry a value"


def check_valid_values(type_name: str, raw: list, p: Parsed) -> None:
    """What a valid value of each type looks like, whatever the cell held."""
    valid = p.valid.to_numpy(dtype=bool)
    vals = [v for v, ok in zip(p.values, valid) if ok]
    cells = [c for c, ok in zip(raw, valid) if ok]
    if type_name in ("date", "datetime"):
        assert str(p.values.dtype) == "datetime64[ns]"
        if type_name == "date":
            assert all(v == v.normalize() for v in vals)
    elif type_name in ("integer", "number", "percent"):
        assert all(math.isfinite(v) for v in vals)
        if type_name == "integer":
            assert all(float(v).is_integer() for v in vals)
    elif type_name == "boolean":
        assert all(isinstance(v, (bool, np.bool_)) for v in vals)
    elif type_name == "phone":
        assert all(re.fullmatch(r"1[3-9][0-9]{9}", v) for v in vals)
    elif type_name == "email":
        assert all(isinstance(v, str) and v.count("@") == 1 and v.isascii() for v in vals)
    elif type_name == "id_card":
        for v, c in zip(vals, cells):
            assert isinstance(c, str) and re.fullmatch(r"[0-9]{17}[0-9X]", v) and id_number(v[:17]) == v
            dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))  # a real birth date
    elif type_name == "string":
        assert p.errors.empty
        for v, c in zip(vals, cells):
            assert isinstance(v, str) and v != ""
            if isinstance(c, str):
                assert v == unicodedata.normalize("NFKC", c).strip()


@pytest.mark.parametrize("type_name", ALL_TYPES)
@FAST
@given(raw=COLUMNS)
def test_parse_any_column(type_name, raw):
    p = parse(type_name, raw)
    check_partition(type_name, raw, p)
    check_valid_values(type_name, raw, p)


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


@pytest.mark.parametrize("type_name", [t for t in ALL_TYPES if t != "percent"])  # percent looks at the column
@settings(max_examples=60, deadline=None)
@given(raw=st.lists(ANY_CELL, min_size=1, max_size=10), data=st.data())
def test_a_cell_reads_the_same_alone_and_in_any_column(type_name, raw, data):
    """Distinct texts are parsed once and spread back: neither neighbours nor order may change a cell."""
    whole = parse(type_name, raw)
    i = data.draw(st.integers(0, len(raw) - 1), label="cell")
    alone = parse(type_name, [raw[i]])
    assert bool(alone.empty[0]) == bool(whole.empty[i])
    assert alone.errors.get(0) == whole.errors.get(i)
    assert _same(alone.values[0], whole.values[i])
    order = data.draw(st.permutations(range(len(raw))), label="order")
    shuffled = parse(type_name, [raw[j] for j in order])
    for k, j in enumerate(order):
        assert shuffled.errors.get(k) == whole.errors.get(j)
        assert _same(shuffled.values[k], whole.values[j])


@settings(max_examples=60, deadline=None)
@given(raw=st.lists(ANY_CELL, min_size=1, max_size=10), order=st.data())
def test_percent_depends_on_the_set_of_cells_not_their_order(raw, order):
    whole = parse("percent", raw)
    perm = order.draw(st.permutations(range(len(raw))))
    shuffled = parse("percent", [raw[j] for j in perm])
    for k, j in enumerate(perm):
        assert shuffled.errors.get(k) == whole.errors.get(j)
        assert _same(shuffled.values[k], whole.values[j])


# --- round trips: what people type reads back as what they meant --------------------------------------

DATES = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2262, 4, 10))
DATE_FORMS = ["cell", "datetime_cell", "iso", "slash", "dot", "cn", "cn_spaced", "full_iso", "full_cn", "serial",
              "serial_with_time", "compact_text", "compact_num", "padded"]


def render_date(d: dt.date, form: str, seconds: int = 0) -> object:
    y, m, dd = d.year, d.month, d.day
    serial = (d - EXCEL_EPOCH).days
    return {
        "cell": d,
        "datetime_cell": dt.datetime(y, m, dd) + dt.timedelta(seconds=seconds),
        "iso": f"{y}-{m:02d}-{dd:02d}",
        "slash": f"{y}/{m}/{dd}",
        "dot": f"{y}.{m:02d}.{dd:02d}",
        "cn": f"{y}年{m}月{dd}日",
        "cn_spaced": f"{y} 年 {m} 月 {dd} 日",
        "full_iso": f"{y}-{m:02d}-{dd:02d}".translate(FULL_WIDTH),
        "full_cn": f"{y}年{m}月{dd}日".translate(FULL_WIDTH),
        "serial": float(serial),
        "serial_with_time": serial + seconds / 86400,
        "compact_text": f"{y}{m:02d}{dd:02d}",
        "compact_num": y * 10000 + m * 100 + dd,
        "padded": f"\u3000 {y}-{m}-{dd} \t",
    }[form]


@FAST
@given(d=DATES, form=st.sampled_from(DATE_FORMS), seconds=st.integers(0, 86399))
def test_date_forms_round_trip(d, form, seconds):
    if form == "compact_num":
        assume(1900 <= d.year <= 2100)
    raw = render_date(d, form, seconds)
    p = parse("date", [raw])
    assert p.errors.empty, (raw, p.errors.to_dict())
    assert p.values[0] == pd.Timestamp(d)


@FAST
@given(y=st.integers(1900, 2200), m=st.integers(1, 12), d=st.integers(1, 31),
       form=st.sampled_from(["iso", "slash", "dot", "cn", "full_iso"]), data=st.data())
def test_impossible_dates_are_invalid(y, m, d, form, data):
    days_in_month = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.date(y, m, 1)).days
    bad = data.draw(st.sampled_from(["month", "day", "zero"]))
    if bad == "month":
        m = data.draw(st.integers(13, 99))
    elif bad == "day":
        d = data.draw(st.integers(days_in_month + 1, 99))
    else:
        d = 0
    text = {"iso": f"{y}-{m:02d}-{d:02d}", "slash": f"{y}/{m}/{d}", "dot": f"{y}.{m}.{d}", "cn": f"{y}年{m}月{d}日",
            "full_iso": f"{y}-{m:02d}-{d:02d}".translate(FULL_WIDTH)}[form]
    for type_name, code in (("date", "invalid_date"), ("datetime", "invalid_datetime")):
        p = parse(type_name, [text])
        assert p.errors.to_dict() == {0: code}, text


DATETIMES = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2262, 4, 10)).map(
    lambda t: t.replace(microsecond=0))


@FAST
@given(t=DATETIMES, form=st.sampled_from(["cell", "iso", "iso_t", "slash_hm", "cn_hm", "full", "serial"]))
def test_datetime_forms_round_trip(t, form):
    hm = t.replace(second=0)
    raw, expected = {
        "cell": (t, t),
        "iso": (t.strftime("%Y-%m-%d %H:%M:%S"), t),
        "iso_t": (t.strftime("%Y-%m-%dT%H:%M:%S"), t),
        "slash_hm": (f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}", hm),
        "cn_hm": (f"{t.year}年{t.month}月{t.day}日 {t.hour}时{t.minute}分", hm),
        "full": (t.strftime("%Y-%m-%d %H:%M").translate(FULL_WIDTH), hm),
        "serial": ((t - dt.datetime(1899, 12, 30)).total_seconds() / 86400, t),
    }[form]
    p = parse("datetime", [raw])
    assert p.errors.empty, (raw, p.errors.to_dict())
    assert p.values[0] == pd.Timestamp(expected)


@FAST
@given(d=DATES, h=st.integers(0, 99), mi=st.integers(0, 99), s=st.integers(0, 99))
def test_times_out_of_range_are_invalid(d, h, mi, s):
    text = f"{d:%Y-%m-%d} {h:02d}:{mi:02d}:{s:02d}"
    p = parse("datetime", [text])
    if h <= 23 and mi <= 59 and s <= 59:
        assert p.values[0] == pd.Timestamp(dt.datetime(d.year, d.month, d.day, h, mi, s))
    else:
        assert p.errors.to_dict() == {0: "invalid_datetime"}, text


@FAST
@given(n=st.integers(-10 ** 15, 10 ** 15), form=st.sampled_from(["int", "float", "text", "grouped", "full", "padded"]))
def test_integers_round_trip(n, form):
    raw = {"int": n, "float": float(n), "text": str(n), "grouped": f"{n:,}", "full": str(n).translate(FULL_WIDTH),
           "padded": f" \u3000{n} "}[form]
    for type_name in ("integer", "number"):
        p = parse(type_name, [raw])
        assert p.errors.empty and p.values[0] == n, (type_name, raw)
    p = parse("percent", [raw])
    assert p.errors.empty and p.values[0] == n


@FAST
@given(n=st.integers(0, 10 ** 9), frac=st.integers(1, 99))
def test_non_whole_numbers_are_not_integers(n, frac):
    text = f"{n}.{frac:02d}"
    assert parse("integer", [text]).errors.to_dict() == {0: "invalid_integer"}
    assert parse("integer", [float(text)]).errors.to_dict() == {0: "invalid_integer"}
    assert parse("number", [text]).values[0] == float(text)


@FAST
@given(x=st.floats(allow_nan=False, allow_infinity=False), form=st.sampled_from(["cell", "repr", "grouped", "full"]))
def test_numbers_round_trip(x, form):
    raw = {"cell": x, "repr": repr(x), "grouped": f"{x:,}", "full": repr(x).translate(FULL_WIDTH)}[form]
    p = parse("number", [raw])
    assert p.errors.empty, raw
    assert p.values[0] == x


@FAST
@given(x=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
       sign=st.sampled_from(["%", " %", "％"]))
def test_percent_with_sign_round_trips(x, sign):
    p = parse("percent", [f"{x!r}{sign}"])
    assert p.errors.empty and p.values[0] == x


@FAST
@given(head=st.integers(1, 999), tail=st.integers(0, 99999).map(str).filter(lambda t: len(t) != 3))
def test_commas_must_group_thousands(head, tail):
    # "1,5" is not fifteen: a comma only separates groups of three digits.
    text = f"{head},{tail}"
    assert parse("number", [text]).errors.to_dict() == {0: "invalid_number"}
    assert parse("integer", [text]).errors.to_dict() == {0: "invalid_integer"}


@st.composite
def mobiles(draw) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))


@FAST
@given(number=mobiles(), form=st.sampled_from(["text", "float", "int", "dashes", "spaces", "plus86", "86", "full",
                                               "brackets", "ideographic_space"]))
def test_mobile_numbers_round_trip(number, form):
    a, b, c = number[:3], number[3:7], number[7:]
    raw = {"text": number, "float": float(number), "int": int(number), "dashes": f"{a}-{b}-{c}",
           "spaces": f"{a} {b} {c}", "plus86": f"+86 {number}", "86": f"86{number}", "full": number.translate(FULL_WIDTH),
           "brackets": f"({a}){b}{c}", "ideographic_space": f"{a}\u3000{b}\u3000{c}"}[form]
    p = parse("phone", [raw])
    assert p.errors.empty, raw
    assert p.values[0] == number


@FAST
@given(second=st.sampled_from("012"), rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
       as_number=st.booleans())
def test_not_a_mobile_number(second, rest, as_number):
    number = "1" + second + rest
    raw = float(number) if as_number else number
    assert parse("phone", [raw]).errors.to_dict() == {0: "invalid_phone"}


BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def id_numbers(draw) -> str:
    region = draw(st.integers(110000, 659999))
    birth = draw(BIRTHS)
    seq = draw(st.integers(0, 999))
    return id_number(f"{region}{birth:%Y%m%d}{seq:03d}")


@FAST
@given(number=id_numbers(), lower=st.booleans(), full=st.booleans(), shift=st.integers(1, 10))
def test_id_numbers(number, lower, full, shift):
    text = number.lower() if lower else number
    text = text.translate(FULL_WIDTH) if full else text
    p = parse("id_card", [text, number[:17], number + "0"])
    assert p.values[0] == number
    assert p.errors.to_dict() == {1: "invalid_id_card", 2: "invalid_id_card"}
    # any other check character is wrong
    alphabet = "0123456789X"
    wrong = number[:17] + alphabet[(alphabet.index(number[17]) + shift) % 11]
    assert parse("id_card", [wrong]).errors.to_dict() == {0: "id_card_checksum"}
    if number[17] != "X":  # typed into a numeric cell, Excel keeps 15 significant digits
        assert parse("id_card", [float(number)]).errors.to_dict() == {0: "id_card_as_number"}


BOOLS = {"是": True, "否": False, "对": True, "错": False, "Y": True, "N": False, "yes": True, "no": False,
         "true": True, "false": False, "1": True, "0": False}


@FAST
@given(word=st.sampled_from(sorted(BOOLS)), case=st.sampled_from([str, str.upper, str.title]),
       pad=st.sampled_from(["", " ", "\u3000", "\t"]), full=st.booleans())
def test_boolean_words(word, case, pad, full):
    text = pad + case(word) + pad
    text = text.translate(FULL_WIDTH) if full else text
    p = parse("boolean", [text])
    assert p.errors.empty and p.values[0] is BOOLS[word]


# --- end to end: a real workbook through `assistant check --format json` ------------------------------

@st.composite
def date_cells(draw):
    if draw(st.booleans()):
        d = draw(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2262, 4, 10)))
        form = draw(st.sampled_from([f for f in DATE_FORMS if f != "compact_num" or 1900 <= d.year <= 2100]))
        return render_date(d, form, draw(st.integers(0, 86399))), None
    return draw(st.sampled_from(["2026.13.45", "12月32日", "下周五", "2026-02-29", "2026/4/31", "待定", "2026-11-05 25:00",
                                 "0000-01-01", True, -5.0])), "invalid_date"


@st.composite
def datetime_cells(draw):
    if draw(st.booleans()):
        t = draw(st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2262, 4, 10)))
        return draw(st.sampled_from([t.replace(microsecond=0), f"{t:%Y-%m-%d %H:%M}", f"{t:%Y/%m/%d %H:%M:%S}",
                                     f"{t.year}年{t.month}月{t.day}日 {t.hour}时{t.minute}分"])), None
    return draw(st.sampled_from(["2026-11-05 24:00", "2026-11-05 14:60", "下午三点", "2026-13-01 08:00"])), \
        "invalid_datetime"


@st.composite
def integer_cells(draw):
    if draw(st.booleans()):
        n = draw(st.integers(-10 ** 9, 10 ** 9))
        return draw(st.sampled_from([n, float(n), str(n), f"{n:,}", str(n).translate(FULL_WIDTH)])), None
    return draw(st.sampled_from(["五十", "35.5", 35.5, "30人", "1,5", "约20"])), "invalid_integer"


@st.composite
def number_cells(draw):
    if draw(st.booleans()):
        x = draw(st.floats(min_value=-1e12, max_value=1e12))
        return draw(st.sampled_from([x, repr(x), f"{x:,}"])), None
    return draw(st.sampled_from(["五十", "12.5元", "1,5", "N/A", "Infinity"])), "invalid_number"


@st.composite
def percent_cells(draw):
    if draw(st.booleans()):
        x = draw(st.floats(min_value=-100, max_value=1000))
        return draw(st.sampled_from([x, f"{x!r}%", f"{x!r}％", repr(x)])), None
    return draw(st.sampled_from(["五十", "百分之三十", "约35%", "过半", "%"])), "invalid_percent"


@st.composite
def boolean_cells(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(["是", "否", "对", "错", "Y", "n", True, False, 1.0, 0.0, "TRUE", "√", "×"])), None
    return draw(st.sampled_from(["是的", "不确定", 2.0, 0.5, "待定"])), "invalid_boolean"


@st.composite
def phone_cells(draw):
    if draw(st.booleans()):
        n = draw(mobiles())
        return draw(st.sampled_from([n, float(n), f"{n[:3]}-{n[3:7]}-{n[7:]}", f"+86 {n}", n.translate(FULL_WIDTH)])), None
    return draw(st.sampled_from(["12812345678", "1381234567", "138123456789", "010-12345678", "一三八", 1381234567.0])), \
        "invalid_phone"


@st.composite
def email_cells(draw):
    if draw(st.booleans()):
        local = draw(st.from_regex(r"[a-z][a-z0-9_.]{0,8}", fullmatch=True))
        domain = draw(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True))
        return f"{local}@{domain}.{draw(st.sampled_from(['cn', 'com', 'gov.cn']))}", None
    return draw(st.sampled_from(["zhangsan", "a@b", "张三@qq.com", "a@@b.cn", "wang@qq .com", 123.0])), "invalid_email"


@st.composite
def id_cells(draw):
    number = draw(id_numbers())
    kind = draw(st.sampled_from(["good", "good", "checksum", "short", "numeric"]))
    if kind == "good":
        return draw(st.sampled_from([number, number.lower(), number.translate(FULL_WIDTH)])), None
    if kind == "checksum":
        alphabet = "0123456789X"
        return number[:17] + alphabet[(alphabet.index(number[17]) + 1) % 11], "id_card_checksum"
    if kind == "short":
        return number[:16], "invalid_id_card"
    return float(number[:17] + "0"), "id_card_as_number"


SAFE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")), max_size=15).filter(
    lambda t: not t.startswith("="))
EMPTY_CELLS = st.sampled_from([None, "", "  ", "\u3000"])

E2E_FIELDS = [  # (header, type, strategy of (cell, expected code))
    ("交办日期", "date", date_cells()),
    ("会议时间", "datetime", datetime_cells()),
    ("参会人数", "integer", integer_cells()),
    ("金额(万元)", "number", number_cells()),
    ("进度(%)", "percent", percent_cells()),
    ("是否领导", "boolean", boolean_cells()),
    ("手机", "phone", phone_cells()),
    ("邮箱", "email", email_cells()),
    ("身份证号", "id_card", id_cells()),
    ("备注", "string", st.one_of(SAFE_TEXT, st.floats(-1e9, 1e9), st.booleans(), DATES).map(lambda v: (v, None))),
]


def cell_of(strategy):
    return st.one_of(strategy, EMPTY_CELLS.map(lambda v: (v, None)))


@st.composite
def registers(draw):
    """A sheet: a title row, the headers in random order (after a column the schema does not know), data rows
    with some fully blank rows in between."""
    order = draw(st.permutations(range(len(E2E_FIELDS))))
    rows = draw(st.lists(st.tuples(*(cell_of(E2E_FIELDS[i][2]) for i in order)), min_size=1, max_size=8))
    blank_before = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    return order, rows, blank_before


SCHEMA_HEAD = """\
register: fuzz
title: 字段抽查表
sheet: 抽查表
header_row: 2
key: 编号
fields:
  - { name: 编号, type: string }
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sheet=registers())
def test_every_bad_cell_is_reported_at_its_cell(sheet):
    order, rows, blank_before = sheet
    # columns: A 序号 (not in the schema), B 编号 (the key), then the fields in the drawn order
    headers = ["序号", "编号"] + [E2E_FIELDS[i][0] for i in order]
    grid: list[list] = [["字段抽查表"], headers]
    expected: dict[str, tuple[str, str, str, object]] = {}  # cell -> (code, column, key, value)
    for n, (row, blank) in enumerate(zip(rows, blank_before), start=1):
        if blank:
            grid.append([None] * len(headers))
        key = f"R-{n:03d}"
        sheet_row = len(grid) + 1
        grid.append([n, key] + [value for value, _ in row])
        for offset, ((value, code), i) in enumerate(zip(row, order)):
            if code is not None:
                expected[f"{col_letter(offset + 2)}{sheet_row}"] = (code, E2E_FIELDS[i][0], key, value)

    with tempfile.TemporaryDirectory() as tmp:
        office = OfficeFolder(Path(tmp) / "office")
        office.schema("fuzz", SCHEMA_HEAD + "".join(f"  - {{ name: '{name}', type: {t} }}\n" for name, t, _ in E2E_FIELDS))
        office.workbook({"抽查表": grid})
        office.write_config()
        res = run_cli("check", "--config", office.config, "--today", TODAY, "--format", "json")
    assert res.code in (0, 1), res.err
    doc = json.loads(res.out)
    assert res.code == (1 if expected else 0)
    assert doc["ok"] is (not expected)

    got = {f["cell"]: f for f in doc["findings"]}
    assert len(got) == len(doc["findings"]), "one finding per bad cell"
    assert set(got) == set(expected), {"missing": set(expected) - set(got), "extra": set(got) - set(expected)}
    for cell, (code, column, key, value) in expected.items():
        f = got[cell]
        assert f["code"] == code, (cell, value, f)
        assert f["row"] == int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        assert (f["workbook"], f["register"], f["sheet"]) == ("凤凰镇", "fuzz", "抽查表")
        assert f["column"] == column and f["key"] == key and f["severity"] == "error"
        assert isinstance(f["message"], str) and column in f["message"]
        if isinstance(value, (str, bool)):
            assert f["value"] == value
        elif isinstance(value, (int, float)):
            assert f["value"] == pytest.approx(value)
