"""Policy bodies are written in Markdown and shown as HTML that is safe to print on a
public page: Markdown gives the clause structure (headings, numbered lists, tables),
nh3 then removes anything a pasted text could smuggle in (scripts, event handlers,
``javascript:`` links, images that would call a remote server)."""

import functools

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "small",
    "mark",
    "abbr",
    "bdi",
    "blockquote",
    "code",
    "pre",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a template as it is."""
    if not text:
        return mark_safe("")  # noqa: S308 - an empty string
    return _rendered(text)


@functools.lru_cache(maxsize=256)
def _rendered(text: str) -> SafeString:
    # A pure function of the text: the texts shown on every /apply/ page (the privacy
    # notice, the rules, the declaration) are converted once per process, not per request.
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it
