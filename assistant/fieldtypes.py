"""Field types: parse what people really type into a column, vectorised over the whole column.

Each type is a small class registered by name; `parse` takes the raw cells of one column (an object
Series of str, float, bool, date/datetime, None as the source read them) and returns a `Parsed`:
typed values, which cells are empty, and an error code for each cell that is not empty but cannot
be read. No per-row Python loops: pandas string methods and numpy do the work.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from assistant.text import display, normalized

NAT = np.datetime64("NaT", "ns")


@dataclass
class Parsed:
    values: pd.Series  # typed values; NaN / NaT / None where empty or unreadable
    empty: pd.Series  # bool: the cell holds nothing (blank or only spaces)
    errors: pd.Series  # str code per unreadable cell, indexed by those cells only

    @property
    def valid(self) -> pd.Series:
        """Cells that hold a readable value (a new Series each time: callers may change it)."""
        return pd.Series(self._valid.copy(), index=self.empty.index)

    @functools.cached_property
    def _valid(self) -> np.ndarray:
        ok = ~self.empty.to_numpy(dtype=bool)
        ok[self.empty.index.get_indexer(self.errors.index)] = False
        return ok

    @functools.cached_property
    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """The readable values factorised once for every check that works per distinct value: for
        each readable cell (in order), its position among the distinct values; those values."""
        return pd.factorize(self.values.to_numpy(dtype=object)[self._valid])


_RARE, _TEXT, _BOOL, _NUM, _DATE, _NONE = range(6)
_KIND: collections.defaultdict[type, int] = collections.defaultdict(int, {
    str: _TEXT, bool: _BOOL, np.bool_: _BOOL, float: _NUM, int: _NUM, np.float64: _NUM, np.int64: _NUM,
    dt.date: _DATE, dt.datetime: _DATE, pd.Timestamp: _DATE, type(None): _NONE})


@dataclass
class Cells:
    """One column's raw cells sorted by Python type, computed once per column.

    Text is normalised per distinct value (a register repeats the same few statuses, names and
    units thousands of times), and `per_text` runs string work on the distinct values only.
    """

    raw: pd.Series
    is_text: pd.Series
    is_num: pd.Series
    is_bool: pd.Series
    is_date: pd.Series
    text: pd.Series  # NFKC-normalised, trimmed, non-empty text cells (index = those cells)
    empty: pd.Series
    _uniques: pd.Series  # distinct normalised texts
    _codes: np.ndarray  # for each cell of `text`, its position in `_uniques`
    _raw_codes: np.ndarray  # for each cell, its position in `_raw_uniques` (-1: NA)
    _raw_uniques: np.ndarray  # distinct raw values

    @classmethod
    def of(cls, raw: pd.Series) -> Cells:
        values = raw.to_numpy(dtype=object)
        # One hashing pass over the cells (the distinct texts are needed anyway); each distinct
        # value's Python type is then looked up once, not once per cell. NA (None, NaN, NaT) is -1.
        codes, uniques = pd.factorize(values)
        kinds = np.fromiter(map(_KIND.__getitem__, map(type, uniques)), dtype=np.int8, count=len(uniques))
        kind = np.append(kinds, np.int8(_NONE))[codes]  # code -1 takes the appended NONE
        merged = (kinds == _BOOL) | (kinds == _NUM)
        if merged.any():  # True == 1 == 1.0 share one distinct value: those cells' own types
            at = np.flatnonzero(merged[codes] & (codes >= 0))
            kind[at] = np.fromiter(map(_KIND.__getitem__, map(type, values[at])), dtype=np.int8, count=len(at))
        # exact types: a str subclass (np.str_) is not plain text; anything unlisted is "rare"
        is_text, is_bool, is_num, is_date = kind == _TEXT, kind == _BOOL, kind == _NUM, kind == _DATE
        empty = kind == _NONE
        rare = kind == _RARE
        if rare.any():  # np.datetime64, Decimal…: whatever pandas counts as missing
            empty[rare] = pd.isna(values[rare])
        text_u = np.flatnonzero(kinds == _TEXT)
        norm = normalized(pd.Series(uniques[text_u], dtype=object)) if len(text_u) else pd.Series([], dtype=object)
        norm_values = norm.to_numpy(dtype=object)
        at_text = np.flatnonzero(is_text)
        remap = np.full(len(uniques), -1, dtype=np.intp)
        remap[text_u] = np.arange(len(text_u))
        text_codes = remap[codes[at_text]]
        blank_text = (norm_values == "")[text_codes] if len(text_codes) else np.zeros(0, dtype=bool)
        empty[at_text[blank_text]] = True
        is_num &= ~empty
        keep = ~blank_text
        index = raw.index
        text = pd.Series(norm_values[text_codes[keep]], index=index[at_text[keep]], dtype=object)
        return cls(raw, pd.Series(is_text, index=index), pd.Series(is_num, index=index),
                   pd.Series(is_bool, index=index), pd.Series(is_date, index=index), text,
                   pd.Series(empty, index=index), norm, text_codes[keep], codes, uniques)

    def distinct(self, cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
        """The distinct raw values among `cells` (a mask; none of them NA), and for each of those
        cells, which of them it holds: work on a column's 300 distinct dates, not its 100,000 cells."""
        codes = self._raw_codes[cells.to_numpy(dtype=bool)]
        present = np.flatnonzero(np.bincount(codes, minlength=len(self._raw_uniques)))
        position = np.zeros(len(self._raw_uniques), dtype=np.intp)
        position[present] = np.arange(len(present))
        return pd.Series(self._raw_uniques[present], dtype=object), position[codes]

    def per_text(self, fn: Callable[[pd.Series], pd.Series | pd.DataFrame]) -> pd.Series | pd.DataFrame:
        """`fn` applied to the distinct texts, spread back over the text cells."""
        result = fn(self._uniques)
        spread = result.iloc[self._codes]
        spread.index = self.text.index
        return spread


class FieldType:
    name: ClassVar[str]
    kind: ClassVar[str]  # "text" | "number" | "date" | "bool": how values compare
    error_code: ClassVar[str]
    example: ClassVar[str]  # shown in hints: what a good value looks like
    # True when a cell's reading depends on the rest of its column (percent's fractions): such a
    # column is never parsed together with others.
    whole_column: ClassVar[bool] = False

    def parse(self, raw: pd.Series) -> Parsed:
        cells = Cells.of(raw)
        values, bad = self.convert(cells)
        bad = bad & ~cells.empty
        codes = self.codes(cells, bad)
        values = values.where(~bad & ~cells.empty)
        return Parsed(values=values, empty=cells.empty, errors=codes)

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        """Typed values for the whole column and a mask of non-empty cells that failed."""
        raise NotImplementedError

    def codes(self, c: Cells, bad: pd.Series) -> pd.Series:
        return pd.Series(self.error_code, index=bad.index[bad.to_numpy()], dtype=object)


_ALONE_ROWS = 5000


def parse_columns(columns: list[tuple[FieldType, pd.Series]]) -> list[Parsed]:
    """Each (type, raw column) parsed, in order, as `type.parse(column)` would.

    Small columns of one type are parsed in one go: every pandas call has a fixed cost that a
    column of 500 rows pays many times over, and a workbook has a hundred such columns. A long
    column is parsed alone: joining it to others and cutting the result apart would cost more."""
    out: list[Parsed | None] = [None] * len(columns)
    groups: dict[int, list[int]] = {}
    for i, (ftype, raw) in enumerate(columns):
        if ftype.whole_column or len(raw) >= _ALONE_ROWS:
            out[i] = ftype.parse(raw)
        else:
            groups.setdefault(id(ftype), []).append(i)
    for members in groups.values():
        ftype = columns[members[0]][0]
        raws = [columns[i][1] for i in members]
        if len(raws) == 1:
            out[members[0]] = ftype.parse(raws[0])
            continue
        whole = ftype.parse(pd.concat(raws, ignore_index=True))
        start = 0
        error_at = whole.errors.index.to_numpy()
        for i, raw in zip(members, raws):
            stop = start + len(raw)
            inside = (error_at >= start) & (error_at < stop)
            out[i] = Parsed(values=_slice(whole.values, start, stop, raw.index),
                            empty=_slice(whole.empty, start, stop, raw.index),
                            errors=pd.Series(whole.errors.to_numpy()[inside],
                                             index=raw.index[error_at[inside] - start], dtype=object))
            start = stop
    done = [p for p in out if p is not None]
    assert len(done) == len(columns)  # every column is in one group or parsed alone
    return done


@functools.lru_cache(maxsize=1024)
def read_constants(type_name: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Values written in a schema (a condition's 是, a map's keys) read as a cell of `type_name`
    would be: each its typed value, or None when a cell holding it would be unreadable. Cached:
    rules ask for the same few constants for every table, and a parse has a fixed cost."""
    p = TYPES[type_name].parse(pd.Series(list(values), dtype=object))
    return tuple(v if ok else None for v, ok in zip(p.values.tolist(), p.valid.tolist()))


def _slice(series: pd.Series, start: int, stop: int, index: pd.Index) -> pd.Series:
    part = series.iloc[start:stop].copy()
    part.index = index
    return part


TYPES: dict[str, FieldType] = {}


def register_type(cls: type[FieldType]) -> type[FieldType]:
    TYPES[cls.name] = cls()
    return cls


def _false(index: pd.Index) -> pd.Series:
    return pd.Series(False, index=index)


# --- dates ---------------------------------------------------------------------------------------

_DATE_RE = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
            r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})\s*分?(?:\s*[:]\s*(?P<S>\d{1,2}))?)?$")
_COMPACT_RE = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")
_MAX_SERIAL = 2958465  # 9999-12-31 (what lies beyond the datetime64[ns] range becomes NaT)


def _ns(stamps: pd.Series) -> pd.Series:
    """As datetime64[ns]; NaT for instants outside its range (1677-09-21 .. 2262-04-11)."""
    inside = stamps.between(pd.Timestamp.min, pd.Timestamp.max)
    return stamps.where(inside).astype("datetime64[ns]")


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    cols = {"year": "y", "month": "m", "day": "d", "hour": "H", "minute": "M", "second": "S"}
    frame = pd.DataFrame({k: pd.to_numeric(parts[v], errors="coerce") if v in parts else 0
                          for k, v in cols.items()}, index=parts.index).fillna(
        {"hour": 0, "minute": 0, "second": 0})
    if frame.empty:
        return pd.Series(NAT, index=parts.index, dtype="datetime64[ns]")
    # to_datetime rolls 25:00 or 14:75 over into the next hour or day; they are not times.
    bad_time = (frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59)
    return _ns(pd.to_datetime(frame, errors="coerce").mask(bad_time))


def _parse_date_texts(texts: pd.Series) -> pd.Series:
    parts = texts.str.extract(_DATE_RE)
    missing = parts["y"].isna()
    if missing.any():
        parts.loc[missing, ["y", "m", "d"]] = texts[missing].str.extract(_COMPACT_RE).to_numpy()
    return _from_parts(parts)


def parse_datetimes(c: Cells) -> pd.Series:
    """Date cells, Excel serial numbers, yyyymmdd numbers and the text forms people type."""
    out = pd.Series(NAT, index=c.raw.index, dtype="datetime64[ns]")
    if c.is_date.any():
        distinct, which = c.distinct(c.is_date)
        out[c.is_date] = _ns(pd.to_datetime(distinct, errors="coerce")).to_numpy()[which]
    if c.is_num.any():
        num = c.raw[c.is_num].astype(float)
        compact = (num >= 19000101) & (num <= 21001231) & (num == np.floor(num))
        serial = ~compact & (num >= 1) & (num <= _MAX_SERIAL)
        if compact.any():
            as_text = num[compact].astype(np.int64).astype(str)
            out[as_text.index] = _from_parts(as_text.str.extract(_COMPACT_RE))
        if serial.any():
            # Whole seconds from the epoch: float noise (…604166666664) must not show as 14:30:00.0288.
            seconds = (num[serial] * 86400).round().astype(np.int64).to_numpy()
            out[serial[serial].index] = _ns(pd.Series(_EXCEL_EPOCH + seconds.astype("timedelta64[s]"),
                                                      index=serial[serial].index))
    if len(c.text):
        out[c.text.index] = c.per_text(_parse_date_texts)
    return out


@register_type
class DateType(FieldType):
    name = "date"
    kind = "date"
    error_code = "invalid_date"
    example = "2026-11-05"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        values = parse_datetimes(c).dt.normalize()
        return values, values.isna()


@register_type
class DateTimeType(FieldType):
    name = "datetime"
    kind = "date"
    error_code = "invalid_datetime"
    example = "2026-11-05 14:30"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        values = parse_datetimes(c)
        return values, values.isna()


# --- numbers -------------------------------------------------------------------------------------

# Commas only as thousands separators: "1,234" is 1234, but "1,5" is not 15.
_NUMBER_RE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"


def _text_numbers(texts: pd.Series, percent: bool = False) -> pd.Series:
    cleaned = texts.str.replace(" ", "", regex=False)
    if percent:
        cleaned = cleaned.str.rstrip("%")
    ok = cleaned.str.fullmatch(_NUMBER_RE).fillna(False).astype(bool)
    return pd.to_numeric(cleaned.where(ok).str.replace(",", "", regex=False), errors="coerce").astype(float)


def _numbers(c: Cells, percent: bool = False) -> pd.Series:
    """Numeric cells and numeric text (thousands separators allowed) as floats; NaN otherwise."""
    out = pd.Series(np.nan, index=c.raw.index, dtype=float)
    if c.is_num.any():
        out[c.is_num] = c.raw[c.is_num].astype(float)
    if len(c.text):
        out[c.text.index] = c.per_text(lambda u: _text_numbers(u, percent))
    return out


@register_type
class NumberType(FieldType):
    name = "number"
    kind = "number"
    error_code = "invalid_number"
    example = "12.5"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        values = _numbers(c)
        return values, values.isna() | ~np.isfinite(values.fillna(0))


@register_type
class IntegerType(FieldType):
    name = "integer"
    kind = "number"
    error_code = "invalid_integer"
    example = "12"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        values = _numbers(c)
        whole = np.isfinite(values) & (values == np.floor(values))
        return values, ~whole


@register_type
class PercentType(FieldType):
    """Percent as points (35 for 35%). "35%", 35 and a %-formatted cell (0.35) all read as 35."""

    name = "percent"
    kind = "number"
    error_code = "invalid_percent"
    example = "35%"
    whole_column = True

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        has_sign = c.per_text(lambda u: u.str.endswith("%")) if len(c.text) else c.text
        values = _numbers(c, percent=True)
        plain = values.copy()
        plain[has_sign[has_sign].index] = np.nan
        plain = plain.dropna()
        # Excel stores 35% as 0.35: when every number without a % sign lies in [0, 1] and some
        # are fractions, the column holds fractions.
        if len(plain) and plain.between(0, 1).all() and ((plain > 0) & (plain < 1)).any():
            values[plain.index] = plain * 100
        return values, values.isna() | ~np.isfinite(values.fillna(0))


# --- others ---------------------------------------------------------------------------------------

_TRUE = {"是", "对", "y", "yes", "true", "t", "1", "√", "✓", "✔", "有"}
_FALSE = {"否", "错", "n", "no", "false", "f", "0", "×", "✗", "✘", "无"}
TRUE_WORDS, FALSE_WORDS = frozenset(_TRUE), frozenset(_FALSE)  # for the Table Schema export (casefolded)


@register_type
class BooleanType(FieldType):
    name = "boolean"
    kind = "bool"
    error_code = "invalid_boolean"
    example = "是 / 否"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        out = pd.Series(None, index=c.raw.index, dtype=object)
        if c.is_bool.any():
            out[c.is_bool] = c.raw[c.is_bool].astype(bool)
        if c.is_num.any():
            num = c.raw[c.is_num].astype(float)
            out[num[num == 1].index] = True
            out[num[num == 0].index] = False
        if len(c.text):
            verdict = c.per_text(lambda u: u.str.casefold().map(lambda t: True if t in _TRUE else (False if t in _FALSE else None)))
            out[c.text.index] = verdict
        return out, out.isna()


def _as_text(c: Cells) -> pd.Series:
    """Every non-empty cell as text; whole numbers without '.0', dates as yyyy-mm-dd."""
    out = pd.Series(None, index=c.raw.index, dtype=object)
    out[c.text.index] = c.text
    other = ~c.empty & ~c.is_text
    if other.any():
        out[other] = c.raw[other].map(display)
    return out


@register_type
class StringType(FieldType):
    name = "string"
    kind = "text"
    error_code = "invalid_string"
    example = "文字"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        out = _as_text(c)
        return out, _false(out.index)


def fullmatches(pattern: str, texts: pd.Series) -> np.ndarray:
    """Which of `texts` (all str) `pattern` matches whole: re's own fullmatch, iterated in C
    (pandas' str methods make a Python call per cell around it)."""
    match = _compiled(pattern).fullmatch
    return np.fromiter(map(bool, map(match, texts.to_numpy(dtype=object))), dtype=bool, count=len(texts))


def _matching(pattern: str, values: pd.Series) -> pd.Series:
    """`fullmatches` over the cells that hold text; False where there is none."""
    ok = pd.Series(False, index=values.index)
    present = values.notna().to_numpy()
    ok[present] = fullmatches(pattern, values[present])
    return ok


def _sub(pattern: str, texts: pd.Series, repl: str = "") -> pd.Series:
    sub = functools.partial(_compiled(pattern).sub, repl)
    return pd.Series(list(map(sub, texts.to_numpy(dtype=object))), index=texts.index, dtype=object)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# The contact and identity types register themselves beside these (they need this module).
from assistant import fieldtypes_ids as _ids  # noqa: E402,F401  (phone, email, id_card)
