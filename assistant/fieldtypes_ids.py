"""The field types of contact and identity numbers: phone, email, id_card (registered into
assistant.fieldtypes.TYPES, which imports this module once its own types are made)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assistant.fieldtypes import Cells, FieldType, _false, _matching, _sub, fullmatches, register_type

_MOBILE_RE = r"^1[3-9][0-9]{9}$"  # ASCII digits: \d also matches ١٢٣


@register_type
class PhoneType(FieldType):
    """11-digit mainland mobile, also when Excel stored it as a number; +86 and separators allowed."""

    name = "phone"
    kind = "text"
    error_code = "invalid_phone"
    example = "13812345678"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        out = pd.Series(None, index=c.raw.index, dtype=object)
        if c.is_num.any():
            num = c.raw[c.is_num].astype(float)
            whole = num[(num == np.floor(num)) & (num > 0) & (num < 1e12)]
            out[whole.index] = whole.astype(np.int64).astype(str)
        if len(c.text):
            out[c.text.index] = c.per_text(_phone_texts)
        return out, ~_matching(_MOBILE_RE, out)


def _phone_texts(texts: pd.Series) -> pd.Series:
    """Separators, +86 and 0086 taken out. Most texts are a plain mobile number already, which
    neither would change: only the others go through the substitutions."""
    plain = fullmatches(_MOBILE_RE, texts)
    if plain.all():
        return texts
    out = texts.astype(object).copy()
    rest = texts[~plain]
    out[~plain] = _sub(r"^(?:\+|00)?86(?=1\d{10}$)", _sub(r"[\s\-()（）]", rest)).to_numpy()
    return out


_EMAIL_RE = r"^[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"


@register_type
class EmailType(FieldType):
    name = "email"
    kind = "text"
    error_code = "invalid_email"
    example = "name@example.gov.cn"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        out = pd.Series(None, index=c.raw.index, dtype=object)
        out[c.text.index] = c.text
        return out, ~_matching(_EMAIL_RE, out)


_ID_SHAPE = r"[0-9]{17}[0-9X]"  # ASCII only: the check sum reads the digits as ASCII bytes
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


@register_type
class IdCardType(FieldType):
    """18-digit resident identity number: format, birth date and the ISO 7064 check character."""

    name = "id_card"
    kind = "text"
    error_code = "invalid_id_card"
    example = "11010519491231002X"

    def convert(self, c: Cells) -> tuple[pd.Series, pd.Series]:
        out = pd.Series(None, index=c.raw.index, dtype=object)
        text = c.text.str.upper()
        out[text.index] = text
        ok = _false(out.index)
        shaped = text[text.str.fullmatch(_ID_SHAPE).fillna(False).astype(bool)]
        if len(shaped):
            digits = np.frombuffer(shaped.str.slice(0, 17).str.cat().encode("ascii"), dtype=np.uint8)
            digits = (digits - 48).reshape(-1, 17).astype(int)
            expected = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
            birth = pd.to_datetime(shaped.str.slice(6, 14), format="%Y%m%d", errors="coerce")
            # A real calendar date within 1900-2099: to_datetime also takes years 0000 and 9999.
            plausible = birth.between(pd.Timestamp("1900-01-01"), pd.Timestamp("2099-12-31"))
            good = (expected == shaped.str.slice(17).to_numpy()) & plausible.to_numpy()
            ok[shaped.index[good]] = True
        return out, ~ok

    def codes(self, c: Cells, bad: pd.Series) -> pd.Series:
        codes = super().codes(c, bad)
        # An 18-digit number in a numeric cell has already lost its last digits to floating point.
        # Only a number long enough to have been an ID (15+ digits) has lost digits; 123 is just wrong.
        long_numbers = c.is_num & (c.raw.where(c.is_num, 0).astype(float).abs() >= 1e14)
        codes[codes.index.intersection(long_numbers[long_numbers].index)] = "id_card_as_number"
        shaped = c.text.str.upper().str.fullmatch(_ID_SHAPE).fillna(False).astype(bool)
        codes[codes.index.intersection(shaped[shaped].index)] = "id_card_checksum"
        return codes
