"""The back-office switches between Arabic and English from its header, on every page
(the fast lists draw that header in Python: config/admin_list_page.py)."""

import re

import pytest

pytestmark = pytest.mark.django_db

LIST = "/admin/requests_app/supportrequest/"


def _switch(page: str) -> str:
    return re.search(r'<form class="language-switch".*?</form>', page, re.S).group(0)


@pytest.mark.parametrize("path", ["/admin/", LIST, "/admin/beneficiaries/beneficiary/"])
def test_every_back_office_page_offers_the_other_language(client, officer, path):
    client.force_login(officer)
    form = _switch(client.get(path).content.decode())
    assert 'action="/i18n/setlang/"' in form and "csrfmiddlewaretoken" in form
    assert f'name="next" value="{path}"' in form
    assert 'name="language" value="en"' in form and 'value="English"' in form


def test_the_switch_turns_the_back_office_to_english_and_back(client, officer):
    client.force_login(officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    page = client.get(LIST).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'name="language" value="ar"' in _switch(page) and 'value="العربية"' in page
    client.post("/i18n/setlang/", {"language": "ar", "next": LIST})
    assert '<html lang="ar" dir="rtl">' in client.get(LIST).content.decode()
