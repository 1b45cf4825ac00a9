"""The benchmark runs end to end on a small database and the paginator avoids COUNT."""

import io
import json

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary
from config.pagination import EstimatedCountPaginator, planner_estimate

pytestmark = pytest.mark.django_db


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
    assert {"hello-world", "admin: beneficiaries, first page", "admin: request page"} <= names
    assert all(not row["error"] for row in report["results"]), report["results"]
    assert "| hello-world" in out.getvalue()


def test_small_lists_are_counted_exactly():
    paginator = EstimatedCountPaginator(Beneficiary.objects.order_by("pk"), 50)
    assert paginator.count == 0


@pytest.mark.postgres
def test_the_planner_estimates_without_counting():
    assert planner_estimate(Beneficiary.objects.all()) is not None
