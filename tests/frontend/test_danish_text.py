"""Danish as Danes write it (issue 15): short dates "1. dec. 2026", plural forms, chart labels."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.defaultfilters import date
from django.test import Client
from django.utils import translation

from frontend.selectors.charts import impact_summary
from tests import factories
from tests.frontend.helpers import completed_job

pytestmark = pytest.mark.django_db


def test_short_dates_read_the_danish_way_and_the_english_way():
    day = datetime.date(2026, 12, 1)
    with translation.override("da"):
        assert date(day, "SHORT_DATE_FORMAT") == "1. dec. 2026"
    with translation.override("en"):
        assert date(day, "SHORT_DATE_FORMAT") == "1 Dec 2026"


def test_the_job_board_writes_dates_in_danish():
    workshop = factories.WorkshopFactory()
    staff = factories.MembershipFactory(workshop=workshop).user
    factories.RepairJobFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(staff)
    html = client.get("/workshop/").content.decode()
    assert not re.search(r"\d\. (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20", html)


def test_one_person_is_not_one_people_and_chart_labels_are_danish():
    completed_job(workshop=factories.WorkshopFactory())
    html = re.sub(r"\s+", " ", Client(HTTP_ACCEPT_LANGUAGE="da").get("/impact/").content.decode())
    assert "1 personer" not in re.sub(r"<[^>]+>", " ", html).replace("  ", " ")
    assert "person har udført arbejdet" in html
    assert ">top " not in html and "maks." in html
    with translation.override("da"):
        labels = [column.label for column in impact_summary().charts[0].columns]
    assert "Sept" not in labels and all(label == label.lower() and len(label) == 3 for label in labels)
