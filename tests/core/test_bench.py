"""The benchmark runs end to end on a small database and the paginator avoids COUNT."""

import io
import json

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary, BeneficiaryDocument
from config import bench, bench_portal
from config.pagination import EstimatedCountPaginator, planner_estimate
from requests_app.models import PendingApplication, Program, SupportRequest

pytestmark = pytest.mark.django_db


def test_bench_seed_only_seeds_and_measures_nothing(tmp_path):
    out = io.StringIO()
    target = tmp_path / "bench.json"
    call_command(
        "bench", "--seed-only", "--beneficiaries", "30", "--requests", "20",
        "--json", str(target), stdout=out,
    )  # fmt: skip
    assert Beneficiary.objects.count() == 30 and SupportRequest.objects.count() == 20
    assert "Measuring" not in out.getvalue() and not target.exists()


def test_bench_seeds_measures_every_page_and_writes_json(tmp_path, settings):
    settings.ROOT_URLCONF = "config.bench_urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    target = tmp_path / "bench.json"
    call_command(
        "bench",
        "--beneficiaries",
        "60",
        "--requests",
        "40",
        "--iterations",
        "2",
        "--no-http",
        "--json",
        str(target),
        stdout=out,
    )
    report = json.loads(target.read_text())
    names = {row["name"] for row in report["results"]}
    assert {
        "hello-world",
        bench.BARE,
        "admin: beneficiaries, first page",
        "admin: request page",
    } <= names
    assert all(not row["error"] for row in report["results"]), report["results"]
    assert "| hello-world" in out.getvalue() and "×bare" in out.getvalue()
    # The POSTs each confirmed a real application, and the bench programs closed again.
    assert {"/apply/ POST, no file", "/apply/ POST, 200 KB PDF", "/track/ POST"} <= names
    bench_requests = SupportRequest.objects.filter(program__code__in=bench_portal.PROGRAMS)
    # warm-up 3 + counted 1 + timed 2, for each of the two /apply/ POST scenarios
    assert bench_requests.count() == 2 * (3 + 1 + 2)
    with_pdf = bench_requests.filter(program__code="bench-apply-pdf")
    assert (
        BeneficiaryDocument.objects.filter(
            beneficiary__support_requests__in=with_pdf, size=bench_portal.PDF_SIZE
        ).count()
        == with_pdf.count()
    )
    assert not Program.objects.filter(code__in=bench_portal.PROGRAMS, is_open=True).exists()
    assert not PendingApplication.objects.filter(submitted_request__isnull=True).exists()


def test_prepared_form_posts_carry_their_cookies_and_the_csrf_token_once_each():
    body = bench.form_bodies(
        [{"cookies": {"mustafid_apply": "signed"}, "data": {"declare": "on"}}],
        ("csrftoken=abc", "token123"),
    )
    payload, headers = body(0)
    assert headers["Cookie"] == "csrftoken=abc; mustafid_apply=signed"
    assert b"csrfmiddlewaretoken=token123" in payload and b"declare=on" in payload
    assert body(1) is None  # each application is confirmed once: then the run stops


def test_bench_identities_are_valid_and_unused(db):
    from beneficiaries.validators import validate_national_id
    from tests.factories import BeneficiaryFactory

    identities = bench_portal.Identities(seed=1)
    first = identities.take(3)
    BeneficiaryFactory(id_type="national_id", id_number=bench_portal.Identities(seed=1).take(4)[3])
    more = identities.take(5)
    assert len(set(first + more)) == 8
    assert all(validate_national_id(number) == number for number in first + more)
    assert not Beneficiary.objects.filter(id_number__in=first + more).exists()


def test_small_lists_are_counted_exactly():
    paginator = EstimatedCountPaginator(Beneficiary.objects.order_by("pk"), 50)
    assert paginator.count == 0


@pytest.mark.postgres
def test_the_planner_estimates_without_counting():
    assert planner_estimate(Beneficiary.objects.all()) is not None


def test_an_unexpected_status_in_the_table_says_what_the_page_said():
    from django.http import HttpResponse

    from config.bench import _why

    page = HttpResponse(
        '<div class="error-summary" role="alert"><h2>Please correct</h2><ul>'
        "<li>We could <b>not</b> accept\n this application</li></ul></div>"
    )
    assert _why(page) == ": We could not accept this application"
    assert _why(HttpResponse("<p>fine</p>")) == ""


def test_the_bare_page_is_fifty_people_in_index_order_without_count(
    client, settings, django_assert_num_queries
):
    from tests.factories import BeneficiaryFactory

    settings.ROOT_URLCONF = "config.bench_urls"
    people = [BeneficiaryFactory() for _ in range(3)]
    with django_assert_num_queries(1):
        response = client.get("/__bare__")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr>") == 3 and all(p.file_number in html for p in people)
