"""The SVG charts: mirrored in RTL, text escaped, no script."""

import re

from config.dashboard.charts import bar_chart, line_chart


def _first(pattern, svg):
    return float(re.search(pattern, svg).group(1))


def test_bars_grow_from_the_right_in_rtl_and_from_the_left_in_ltr():
    rows = [("الرياض", 10), ("مكة", 5)]
    rtl = bar_chart(rows, title="حسب المنطقة", rtl=True)
    ltr = bar_chart(rows, title="By region", rtl=False)
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr
    # In RTL the longest bar ends at the label column on the right.
    x = _first(r'<rect class="chart__bar" x="([\d.]+)"', rtl)
    width = _first(r'<rect class="chart__bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', rtl)
    assert x + width > 400
    assert _first(r'<rect class="chart__bar" x="([\d.]+)"', ltr) < 200
    assert "الرياض" in rtl


def test_time_runs_right_to_left_in_rtl():
    labels = ["يناير 2025", "فبراير 2025", "مارس 2025"]
    svg = line_chart(labels, [("الواردة", [1, 2, 3])], title="الطلبات", rtl=True)
    xs = [float(x) for x in re.findall(r'<circle [^>]*cx="([\d.]+)"', svg)]
    assert xs == sorted(xs, reverse=True)
    svg_ltr = line_chart(labels, [("in", [1, 2, 3])], title="t", rtl=False)
    xs = [float(x) for x in re.findall(r'<circle [^>]*cx="([\d.]+)"', svg_ltr)]
    assert xs == sorted(xs)


def test_labels_are_escaped_and_there_is_no_script():
    svg = bar_chart([("<script>alert(1)</script>", 1)], title="<b>", rtl=False)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_an_empty_or_all_zero_chart_does_not_divide_by_zero():
    assert "<svg" in bar_chart([], title="t", rtl=True)
    assert "<svg" in line_chart(["يناير 2025"], [("x", [0])], title="t", rtl=True)


def test_a_year_of_months_names_every_other_month_inside_the_chart():
    labels = [f"{name} 2026" for name in ("January", "February", "March", "April", "May", "June",
              "July", "August", "September", "October", "November", "December")]  # fmt: skip
    for rtl in (True, False):
        svg = line_chart(labels, [("in", list(range(12)))], title="t", rtl=rtl)
        names = re.findall(r'class="chart__axis chart__month" x="([\d.]+)"[^>]*>([^<]+)<', svg)
        assert [name for _x, name in names] == [label.split()[0] for label in labels[::2]]
        assert all(35 <= float(x) <= 605 for x, _name in names), names
