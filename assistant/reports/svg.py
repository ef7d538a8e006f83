"""Charts as inline SVG: a grouped bar chart (units or townships, one colour per series) and a line
chart (a trend over weeks), drawn from a `Chart` block and the `Table` it names.

Sizes are in viewBox units chosen to be about CSS pixels on a phone: the page is ~350 px wide at
375 px and the chart is `WIDTH` units wide, so 12-unit text reads as ~12 px there; on a desktop the
chart grows with the page up to `MAX_WIDTH` px (text ~1.7× as large, never poster-sized). Text
widths are estimated (a CJK character is 1 em, anything else ~0.62 em) to wrap category names and
keep labels apart; the estimate errs wide so that a real font fits in the room left.

Bars run upwards when there are few categories and every label fits; otherwise (12 units with
long names) they run sideways, one row per category, its name beside it on up to two lines. No
script, no external font (a system font stack), every text escaped; each chart has a <title> and
each bar or point a <title> with its figure.
"""

from __future__ import annotations

import math
import unicodedata
from html import escape

from assistant.reports.formats import cell_text, is_number
from assistant.reports.model import Chart, Column, Table
from assistant.text import clean

WIDTH = 360
MAX_WIDTH = 480  # CSS px
FONT = 12  # category names, legend
SMALL = 11  # value labels, axis ticks
LINE = 14  # line height of wrapped names
FONT_STACK = ("system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
              "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif")
PALETTE = ("#2f5597", "#ed7d31", "#70ad47", "#7030a0", "#bf9000", "#5b9bd5", "#c00000")
MUTED = "#595959"
GRID = "#d9d9d9"
ELLIPSIS = "…"
PLOT_HEIGHT = 150
MAX_UPRIGHT = 6  # most categories drawn as upright bars


def text_width(text: str, size: float) -> float:
    """Estimated width of `text` at font `size` (generous: labels laid out by it never touch)."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)


def wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """`text` in lines no wider than `width`: broken at a space when the line has one (English),
    else anywhere (Chinese); the last allowed line ends with "…" when text is left over."""
    out: list[str] = []
    line = ""
    for ch in text:
        if not line or text_width(line + ch, size) <= width:
            line += ch
            continue
        if len(out) == lines - 1:
            while line and text_width(line + ELLIPSIS, size) > width:
                line = line[:-1]
            return out + [line + ELLIPSIS]
        cut = line.rfind(" ")
        if cut > 0:
            out.append(line[:cut])
            line = line[cut + 1:] + ch
        else:
            out.append(line)
            line = ch.strip()
    return out + [line]


def fits(text: str, width: float, size: float, lines: int) -> bool:
    return len(wrap(text, width, size, lines + 1)) <= lines


def _esc(text: object) -> str:
    return escape(clean(str(text), None), quote=True)


def _n(x: float) -> str:
    """A coordinate, short: 12, 12.5."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _text(x: float, y: float, lines: list[str], *, anchor: str = "start", size: int = FONT,
          colour: str | None = None) -> str:
    fill = f' fill="{colour}"' if colour else ""
    size_attr = f' font-size="{size}"' if size != FONT else ""
    if len(lines) == 1:
        return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{size_attr}{fill}>{_esc(lines[0])}</text>'
    spans = "".join(f'<tspan x="{_n(x)}" dy="{0 if i == 0 else LINE}">{_esc(s)}</tspan>' for i, s in enumerate(lines))
    return f'<text y="{_n(y)}" text-anchor="{anchor}"{size_attr}{fill}>{spans}</text>'


def chart_svg(chart: Chart, table: Table) -> str | None:
    """The chart as an <svg> element, or None when its table has no rows (the page then shows the
    table's `empty` text, and a chart of nothing would say nothing)."""
    if not table.rows or not chart.series:
        return None
    category = table.column(chart.category)
    series = [table.column(key) for key in chart.series]
    names = [cell_text(row.get(chart.category), category.kind) for row in table.rows]
    values = [[v if is_number(v := row.get(col.key)) else None for row in table.rows] for col in series]
    legend, top = _legend(series)
    if chart.kind == "line":
        body, height = _line(names, series, values, top)
    else:
        body, height = _upright(names, series, values, top) or _sideways(names, series, values, top)
    return (f'<svg viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
            f'style="display:block;width:100%;max-width:{MAX_WIDTH}px;height:auto" '
            f'font-family="{_esc(FONT_STACK)}" font-size="{FONT}" fill="#222">'
            f"<title>{_esc(chart.title)}</title>{legend}{body}</svg>")


def _legend(series: list[Column]) -> tuple[str, float]:
    """A swatch and the column's name per series, in rows as wide as the chart; returns the y below."""
    parts, x, y = [], 0.0, 0.0
    for i, col in enumerate(series):
        label = wrap(col.label, WIDTH - 16, FONT, 1)[0]
        w = 16 + text_width(label, FONT) + 12
        if x > 0 and x + w > WIDTH:
            x, y = 0.0, y + 18
        parts.append(f'<rect x="{_n(x)}" y="{_n(y + 1)}" width="11" height="11" fill="{_colour(i)}"/>'
                     + _text(x + 16, y + 11, [label]))
        x += w
    return "".join(parts), y + 26


def _scale_max(values: list[list[float | None]]) -> float:
    return max((v for vs in values for v in vs if v is not None and v > 0), default=0.0) or 1.0


def _labels(series: list[Column], values: list[list[float | None]]) -> list[list[str]]:
    return [[cell_text(v, col.kind) for v in vs] for col, vs in zip(series, values)]


def _tip(name: str, col: Column, label: str) -> str:
    return f"<title>{_esc(name)} {_esc(col.label)} {_esc(label)}</title>"


def _upright(names: list[str], series: list[Column], values: list[list[float | None]],
             top: float) -> tuple[str, float] | None:
    """Bars rising from a baseline, a group per category; None when it would not be legible (too
    many categories, a name longer than two lines under its group, a figure wider than its bar)."""
    group = WIDTH / len(names)
    slot = (group - 8) / len(series)
    labels = _labels(series, values)
    if (len(names) > MAX_UPRIGHT or any(not fits(n, group - 6, FONT, 2) for n in names)
            or any(text_width(label, SMALL) > slot - 2 for ls in labels for label in ls)):
        return None
    bar = min(slot - 4, 36)
    vmax = _scale_max(values)
    base = top + LINE + PLOT_HEIGHT
    parts = []
    for i, name in enumerate(names):
        x0 = i * group + 4
        for j, col in enumerate(series):
            v = values[j][i]
            h = PLOT_HEIGHT * max(v or 0, 0) / vmax
            x = x0 + j * slot + (slot - bar) / 2
            parts.append(f'<rect x="{_n(x)}" y="{_n(base - h)}" width="{_n(bar)}" height="{_n(h)}" '
                         f'fill="{_colour(j)}">{_tip(name, col, labels[j][i])}</rect>')
            parts.append(_text(x + bar / 2, base - h - 4, [labels[j][i]], anchor="middle", size=SMALL))
        parts.append(_text(x0 + (group - 8) / 2, base + LINE + 2, wrap(name, group - 6, FONT, 2), anchor="middle"))
    parts.append(f'<line x1="0" y1="{_n(base)}" x2="{WIDTH}" y2="{_n(base)}" stroke="{MUTED}"/>')
    lines = max(len(wrap(n, group - 6, FONT, 2)) for n in names)
    return "".join(parts), base + 6 + LINE * lines


def _sideways(names: list[str], series: list[Column], values: list[list[float | None]],
              top: float) -> tuple[str, float]:
    """A row per category: its name on the left (up to two lines), a bar per series to the right,
    each bar's figure just past its end."""
    label_w = min(max(text_width(n, FONT) for n in names), WIDTH * 0.36)
    x0 = label_w + 8
    labels = _labels(series, values)
    span = WIDTH - x0 - max(text_width(label, SMALL) for ls in labels for label in ls) - 8
    vmax = _scale_max(values)
    bar, gap, pad = 12, 2, 8
    bars_h = len(series) * bar + (len(series) - 1) * gap
    parts, y = [], top
    for i, name in enumerate(names):
        lines = wrap(name, label_w, FONT, 2)
        group_h = max(bars_h, len(lines) * LINE)
        parts.append(_text(label_w, y + (group_h - len(lines) * LINE) / 2 + 11, lines, anchor="end"))
        for j, col in enumerate(series):
            v = values[j][i]
            w = span * max(v or 0, 0) / vmax
            by = y + (group_h - bars_h) / 2 + j * (bar + gap)
            parts.append(f'<rect x="{_n(x0)}" y="{_n(by)}" width="{_n(w)}" height="{bar}" '
                         f'fill="{_colour(j)}">{_tip(name, col, labels[j][i])}</rect>')
            parts.append(_text(x0 + w + 4, by + bar - 2, [labels[j][i]], size=SMALL))
        y += group_h + pad
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(top - 4)}" x2="{_n(x0)}" y2="{_n(y - pad + 4)}" stroke="{MUTED}"/>')
    return "".join(parts), y


def _ticks(lo: float, hi: float, integral: bool) -> list[float]:
    """Round axis marks from `lo` to at least `hi`, about four steps of 1, 2 or 5 × 10ⁿ."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw * 0.999)
    if integral:
        step = max(step, 1)
    start = math.floor(lo / step) * step
    count = math.ceil((hi - start) / step - 1e-9)
    return [start + k * step for k in range(count + 1)]


def _tick_label(kind: str, value: float, step: float) -> str:
    if kind == "rate":
        digits = 0 if step * 100 >= 1 - 1e-9 else 1
        return f"{value * 100:.{digits}f}%"
    if kind == "int" or step >= 1:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _line(names: list[str], series: list[Column], values: list[list[float | None]],
          top: float) -> tuple[str, float]:
    """A line per series over the categories (weeks): gridlines with round marks, the latest week
    and every k-th before it named, each point titled, each line's last figure at its end."""
    kind = series[0].kind
    numbers = [v for vs in values for v in vs if v is not None]
    ticks = _ticks(min(numbers + [0.0]), max(numbers + [0.0]), kind == "int")
    step = ticks[1] - ticks[0]
    tick_labels = [_tick_label(kind, t, step) for t in ticks]
    labels = _labels(series, values)
    last = [next(((i, v) for i, v in reversed(list(enumerate(vs))) if v is not None), None) for vs in values]
    name_w = max(text_width(n, SMALL) for n in names)
    left = max(max(text_width(t, SMALL) for t in tick_labels) + 6, name_w / 2 - 4)
    right = max([text_width(labels[j][p[0]], SMALL) + 8 for j, p in enumerate(last) if p] + [name_w / 2 + 2])
    x_start, x_end = left + 4, WIDTH - right
    dx = (x_end - x_start) / (len(names) - 1) if len(names) > 1 else 0.0
    plot_top = top + 6
    base = plot_top + PLOT_HEIGHT

    def xy(i: int, v: float) -> tuple[float, float]:
        x = x_start + i * dx if len(names) > 1 else (x_start + x_end) / 2
        return x, base - PLOT_HEIGHT * (v - ticks[0]) / (ticks[-1] - ticks[0])

    parts = []
    for t, label in zip(ticks, tick_labels):
        y = xy(0, t)[1]
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(x_end)}" y2="{_n(y)}" stroke="{GRID}"/>')
        parts.append(_text(left - 4, y + 4, [label], anchor="end", size=SMALL, colour=MUTED))
    every = max(1, math.ceil((name_w + 6) / dx)) if dx else 1
    for i in range(len(names) - 1, -1, -every):  # the latest week always named
        parts.append(_text(xy(i, ticks[0])[0], base + LINE + 6, [names[i]], anchor="middle", size=SMALL,
                           colour=MUTED))
    ends: list[tuple[float, int, str]] = []
    for j, col in enumerate(series):
        run: list[str] = []
        for i, v in enumerate([*values[j], None]):
            if v is None:  # a missing week breaks the line
                if len(run) > 1:
                    parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{_colour(j)}" '
                                 f'stroke-width="2"/>')
                run = []
                continue
            x, y = xy(i, v)
            run.append(f"{_n(x)},{_n(y)}")
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{_colour(j)}">'
                         f"{_tip(names[i], col, labels[j][i])}</circle>")
        if (p := last[j]) is not None:
            ends.append((xy(*p)[1] + 4, j, labels[j][p[0]]))
    ends.sort()
    for k in range(1, len(ends)):  # end labels of lines that finish close together: pushed apart
        if ends[k][0] - ends[k - 1][0] < LINE:
            ends[k] = (ends[k - 1][0] + LINE, ends[k][1], ends[k][2])
    for y, j, label in ends:
        parts.append(_text(x_end + 6, y, [label], size=SMALL, colour=_colour(j)))
    bottom = max([base + LINE + 12] + [y + 4 for y, _, _ in ends])
    return "".join(parts), bottom

