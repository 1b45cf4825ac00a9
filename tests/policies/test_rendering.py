"""Markdown bodies become HTML that is safe on a public page."""

from policies.rendering import render_markdown


def test_markdown_gives_headings_and_numbered_clauses():
    html = render_markdown("## أولاً\n\n3. البند الثالث\n4. البند الرابع")
    assert "<h2>أولاً</h2>" in html
    assert '<ol start="3">' in html


def test_scripts_event_handlers_and_javascript_links_are_removed():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<p onclick="x()">نص</p>\n\n[رابط](javascript:alert(1))'
        "\n\n![صورة](https://tracker.example/x.png)"
    )
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_links_open_safely():
    html = render_markdown("[الموقع](https://example.org)")
    assert 'href="https://example.org"' in html
    assert "noopener" in html


def test_an_empty_body_renders_nothing():
    assert render_markdown("") == ""
