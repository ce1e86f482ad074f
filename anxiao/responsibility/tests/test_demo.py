from __future__ import annotations

import pytest
from django.db.models import F


@pytest.mark.django_db
def test_the_demo_letters_and_lists_are_signed_after_they_were_issued(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.org import demo as org_demo
    from anxiao.policies import demo as policies_demo
    from anxiao.responsibility import demo
    from anxiao.responsibility.models import Acknowledgement, Letter, Signature

    # given the org demo county with its adopted packs, when the responsibility demo issues and signs the letters
    run_parts(DemoContext(), org_demo, policies_demo, demo)
    # then letters were issued and many signed, and no signature is older than its letter's issue
    assert Letter.objects.exclude(issued_at=None).count() > 40
    assert Signature.objects.count() > 20
    assert not Signature.objects.filter(signed_at__lt=F("letter__issued_at")).exists()
    assert not Letter.objects.filter(issued_at=None).exclude(status="draft").exists()
    # and no list was acknowledged before it was drawn up
    assert Acknowledgement.objects.count() > 20
    assert not Acknowledgement.objects.filter(acknowledged_at__lt=F("responsibility_list__created_at")).exists()
