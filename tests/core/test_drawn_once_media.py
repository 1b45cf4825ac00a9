"""config.fast_forms.DrawnOnceMedia: an object page's script and style tags (and a fast
list's, drawn as media["css"] and media["js"]), drawn once per process, are the tags the Media draws, with each request's own CSP nonce."""

from django.forms import Media
from django.forms.widgets import Script
from django.test import override_settings

from config import fast_forms
from config.fast_forms import DrawnOnceMedia


def _media():
    return (
        Media(css={"all": ["a.css"]}, js=["admin/js/core.js", Script("x.js", defer=True)])
        + Media(js=["admin/js/jquery.init.js", "admin/js/core.js"])
        + Media(css={"screen": ["b.css"]})
    )


def test_the_tags_are_the_media_s_own_with_each_nonce():
    for nonce in ("first", "sec<ond", None):
        attrs = {"nonce": nonce} if nonce is not None else None
        expected = _media().render(attrs=attrs)
        assert DrawnOnceMedia(_media()).render(attrs=attrs) == expected
        assert DrawnOnceMedia(_media()).render(attrs=attrs) == expected  # from the cache
    assert str(DrawnOnceMedia(_media())) == str(_media())


def test_a_list_draws_its_styles_and_scripts_apart_each_with_the_nonce():
    for nonce in ("first", "sec<ond", None):
        attrs = {"nonce": nonce} if nonce is not None else None
        for part in ("css", "js"):
            expected = _media()[part].render(attrs=attrs)
            for _ in range(2):  # drawn, then from the cache
                assert DrawnOnceMedia(_media())[part].render(attrs=attrs) == expected
    assert DrawnOnceMedia(_media())["css"].render() != DrawnOnceMedia(_media())["js"].render()


def test_other_scripts_or_another_static_url_draw_other_tags():
    plain = Media(js=["x.js"])
    deferred = Media(js=[Script("x.js", defer=True)])
    assert DrawnOnceMedia(plain).render() == plain.render()
    assert DrawnOnceMedia(deferred).render() == deferred.render()
    assert DrawnOnceMedia(plain).render() != DrawnOnceMedia(deferred).render()
    with override_settings(STATIC_URL="/elsewhere/"):
        assert "/elsewhere/x.js" in DrawnOnceMedia(plain).render()
        assert DrawnOnceMedia(plain).render() == plain.render()


def test_other_attributes_and_the_switch_draw_through_the_media(monkeypatch):
    media = _media()
    attrs = {"nonce": "n", "data-x": "1"}
    assert DrawnOnceMedia(media).render(attrs=attrs) == media.render(attrs=attrs)
    monkeypatch.setattr(fast_forms, "ENABLED", False)
    assert DrawnOnceMedia(media).render() == media.render()
    assert DrawnOnceMedia(media)["js"].render() == media["js"].render()
