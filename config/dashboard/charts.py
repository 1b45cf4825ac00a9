"""Charts drawn on the server as SVG: horizontal bars for categories, lines for months.

No script, no external library. In a right-to-left page the charts are mirrored: bars
grow from the right, labels sit on the right, and time runs from right to left (the
first month on the right), as an Arabic reader expects. Text elements carry
``direction="rtl"`` so Arabic labels shape and anchor correctly. Every chart comes with
a data table (rendered by the template) for screen readers and for checking."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR_WIDTH = 640
BAR_LABEL = 190
BAR_ROW = 30
LINE_WIDTH = 640
LINE_HEIGHT = 260
PAD = 40
EDGE = 40
MONTH_LABELS = 6  # 12 month names in 640 px overlapped ("November Decembe")


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def _svg_open(width: int, height: int, title: str, rtl: bool, css: str) -> str:
    direction = "rtl" if rtl else "ltr"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'direction="{direction}" data-direction="{direction}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def bar_chart(rows: list[tuple[str, float | int]], *, title: str, rtl: bool) -> str:
    """Horizontal bars, one per (label, value)."""
    height = max(1, len(rows)) * BAR_ROW + 10
    peak = max((value or 0 for _label, value in rows), default=0) or 1
    span = BAR_WIDTH - BAR_LABEL - 70
    parts = [_svg_open(BAR_WIDTH, height, title, rtl, "chart--bars")]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * BAR_ROW
        length = round(span * (value or 0) / peak, 1)
        text_y = y + BAR_ROW / 2 + 4
        if rtl:
            bar_x = BAR_WIDTH - BAR_LABEL - length
            label_x, value_x = BAR_WIDTH - 6, bar_x - 6
            anchor = ' direction="rtl" text-anchor="start"'
            label_anchor = value_anchor = anchor
        else:
            bar_x = BAR_LABEL
            label_x, value_x = BAR_LABEL - 6, BAR_LABEL + length + 6
            label_anchor = ' text-anchor="end"'
            value_anchor = ' text-anchor="start"'
        parts.append(
            f'<text class="chart__label" x="{label_x}" y="{text_y}"{label_anchor}>'
            f"{escape(label)}</text>"
            f'<rect class="chart__bar" x="{bar_x}" y="{y + 5}" width="{length}" '
            f'height="{BAR_ROW - 10}" rx="2"></rect>'
            f'<text class="chart__value" x="{value_x}" y="{text_y}"{value_anchor}>'
            f"{escape(_number(value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def line_chart(labels: list[str], series: list[tuple[str, list]], *, title: str, rtl: bool) -> str:
    """One line per series over the months in ``labels``; month 1 on the right in RTL."""
    count = len(labels)
    top, bottom = 20, LINE_HEIGHT - 50
    # The far end keeps room for half a month's name centred on its point.
    left, right = (EDGE, LINE_WIDTH - PAD - 10) if rtl else (PAD + 10, LINE_WIDTH - EDGE)
    peak = max((v or 0 for _name, values in series for v in values), default=0)
    peak = max(peak, 1)

    def x_at(index: int) -> float:
        if count == 1:
            return (left + right) / 2
        fraction = index / (count - 1)
        if rtl:
            fraction = 1 - fraction
        return round(left + fraction * (right - left), 1)

    def y_at(value) -> float:
        return round(bottom - (bottom - top) * (value or 0) / peak, 1)

    parts = [_svg_open(LINE_WIDTH, LINE_HEIGHT, title, rtl, "chart--lines")]
    axis_x = right + 6 if rtl else left - 6
    # Axis numbers sit outside the plot: right of it in RTL, left of it in LTR.
    axis_anchor = ' text-anchor="start"' if rtl else ' text-anchor="end"'
    for step in range(5):
        value = peak * step / 4
        y = y_at(value)
        parts.append(
            f'<line class="chart__grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"></line>'
            f'<text class="chart__axis" x="{axis_x}" y="{y + 4}"{axis_anchor}>'
            f"{escape(_number(round(value)))}</text>"
        )
    every = max(1, -(-count // MONTH_LABELS))  # a name every other month past six
    for index, label in enumerate(labels):
        if index % every:
            continue
        name, _sep, year = label.rpartition(" ")
        x = x_at(index)
        direction = ' direction="rtl"' if rtl else ""
        parts.append(
            f'<text class="chart__axis chart__month" x="{x}" y="{bottom + 16}" '
            f'text-anchor="middle"{direction}>{escape(name or label)}</text>'
            f'<text class="chart__axis" x="{x}" y="{bottom + 30}" text-anchor="middle">'
            f"{escape(year if name else '')}</text>"
        )
    for number, (name, values) in enumerate(series, start=1):
        points = " ".join(f"{x_at(i)},{y_at(v)}" for i, v in enumerate(values))
        parts.append(
            f'<polyline class="chart__line chart__line--{number}" fill="none" '
            f'points="{points}"><title>{escape(name)}</title></polyline>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle class="chart__dot chart__line--{number}" cx="{x_at(i)}" '
                f'cy="{y_at(v)}" r="3"><title>{escape(labels[i])}: {escape(_number(v))}'
                "</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
