"""Text that people (and attackers) type: Arabic with tashkeel and Eastern digits, bidi
overrides, zero-width characters, NUL, emoji, markup, and very long strings."""

from hypothesis import strategies as st

ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=40)
TRICKS = st.sampled_from(
    [
        "\u202e",  # right-to-left override
        "\u202d",
        "\u2066",
        "\u200b",  # zero-width space
        "\u200d",
        "\ufeff",
        "\x00",  # NUL
        "\r\n",
        "\t",
        "😀",
        "👨‍👩‍👧",
        "٠١٢٣٤٥٦٧٨٩",
        "۰۱۲",
        "<script>alert(1)</script>",
        "<b>bold</b>",
        "\"'><img src=x onerror=alert(1)>",
        "{{ 7|add:7 }}",
        "{% debug %}",
        "%(name)s",
        "' OR 1=1 --",
        "../../etc/passwd",
        "ـــ",
        "\ud7ff",
    ]
)
ANY = st.text(max_size=60)
LONG = st.builds(
    lambda s, n: (s or "أ") * n,
    st.sampled_from(["ا", "x", "😀", "\u200b"]),
    st.integers(2_000, 10_000),
)

NASTY = st.one_of(
    ANY,
    ARABIC,
    LONG,
    st.lists(st.one_of(TRICKS, ARABIC, ANY), min_size=1, max_size=6).map("".join),
)

MARKUP_PROBE = "<i data-fuzz=1>"


def has_raw_markup(body: str) -> bool:
    """True when a probe sent in the input came back as live markup."""
    return (
        MARKUP_PROBE in body or "<script>alert(1)</script>" in body or "onerror=alert(1)>" in body
    )
