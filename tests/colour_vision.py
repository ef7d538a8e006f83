"""How far apart two colours look, for normal vision and as people with a colour-vision deficiency
see them: just enough colour science to hold the sheet's palette to account, without a library.

- Simulation: the matrices of Machado, Oliveira & Fernandes (2009), "A physiologically-based model
  for simulation of color vision deficiency", IEEE TVCG 15(6), at full severity, applied to linear
  sRGB (as their model is defined).
- Difference: CIEDE2000 (ΔE00) between CIELAB colours under D65, the standard measure of how
  different two colours look (about 1: barely; 5 and more: clearly different side by side).
  `tests/test_sheet_look.py` checks this implementation against Sharma, Wu & Dalal's published
  test pairs (2005).
- Contrast: the WCAG 2 contrast ratio of text on a background.
"""

from __future__ import annotations

import math

Lab = tuple[float, float, float]

# Linear-RGB matrices, full severity (Machado et al. 2009, table of severity 1.0).
SIMULATIONS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "normal": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
_WHITE = (0.95047, 1.0, 1.08883)  # D65


def linear_rgb(argb: str) -> tuple[float, float, float]:
    """An ARGB or RGB hex colour ("FFEE7766", "#ee7766") as linear sRGB in 0..1."""
    rgb = argb.lstrip("#")[-6:]

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return lin(int(rgb[0:2], 16) / 255), lin(int(rgb[2:4], 16) / 255), lin(int(rgb[4:6], 16) / 255)


def seen(argb: str, vision: str = "normal") -> Lab:
    """The colour as CIELAB, as someone with `vision` sees it."""
    m = SIMULATIONS[vision]
    r, g, b = (min(1.0, max(0.0, sum(m[i][j] * c for j, c in enumerate(linear_rgb(argb))))) for i in range(3))
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(lab1: Lab, lab2: Lab) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (dc / s_c) * (d_h / s_h))


def difference(argb1: str, argb2: str, vision: str = "normal") -> float:
    """ΔE00 between two colours as someone with `vision` sees them."""
    return delta_e(seen(argb1, vision), seen(argb2, vision))


def contrast(argb1: str, argb2: str) -> float:
    """WCAG 2 contrast ratio (1 to 21) of two colours."""
    def luminance(argb: str) -> float:
        r, g, b = linear_rgb(argb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(argb1), luminance(argb2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
