"""Edge cases of the organiser services: local times, safe redirects, what counts as a change."""
from datetime import datetime, timezone

import pytest

from eventapp.extensions import db
from eventapp.organiser.access import safe_next
from eventapp.services.agenda import revisions
from eventapp.services.agenda import working_copy
from eventapp.services.errors import ValidationFailed
from eventapp.services.agenda.local_times import check_timezone, to_utc


def test_a_time_that_happens_twice_in_autumn_is_read_as_the_first(app):
    # Geneva goes from 03:00 CEST back to 02:00 CET on 27 October 2030.
    assert to_utc(datetime(2030, 10, 27, 2, 30), "Europe/Zurich") == datetime(2030, 10, 27, 0, 30, tzinfo=timezone.utc)
    with pytest.raises(ValidationFailed, match="does not exist in America/New_York"):
        to_utc(datetime(2030, 3, 10, 2, 15), "America/New_York")
    with pytest.raises(ValidationFailed):
        check_timezone("CET+1")


@pytest.mark.parametrize("target,expected", [
    ("/manage/events/1/", "/manage/events/1/"), ("/manage/?a=1", "/manage/?a=1"), ("//evil.example", "/d"),
    ("https://evil.example/manage/", "/d"), ("/\\evil.example", "/d"), ("\t/x", "/d"), ("", "/d"), (None, "/d"),
])
def test_safe_next_keeps_only_paths_on_this_site(target, expected):
    assert safe_next(target, "/d") == expected


def test_restoring_a_cancelled_session_and_changing_details_are_changes(app, make_event, make_session):
    event = make_event()
    gone = make_session(event, title="Gone", status="cancelled")
    kept = make_session(event, title="Kept")
    drafts = {d.title: d for d in working_copy.draft_sessions(event)}
    drafts["Gone"].status = "scheduled"
    drafts["Kept"].capacity = 50
    changes = {c["after"]["title"]: c["kinds"] for c in revisions.pending_changes(event)}
    assert changes == {"Gone": ["restored"], "Kept": ["details"]}
    revisions.publish_revision(event, "v2", False, None)
    db.session.commit()
    assert (gone.sequence, gone.status, kept.sequence, kept.capacity) == (1, "scheduled", 0, 50)
    assert revisions.pending_changes(event) == []


def test_a_new_session_cancelled_before_its_first_publication_is_never_published(app, make_event):
    event = make_event()
    working_copy.save_draft(event, None, {"title": "Never", "session_type": "panel", "starts_local": datetime(2030, 5, 6, 10),
                                          "ends_local": datetime(2030, 5, 6, 11)}, None)
    draft = working_copy.draft_sessions(event)[0]
    draft.status = "cancelled"
    assert revisions.pending_changes(event) == []
    revision = revisions.publish_revision(event, "v1", False, None)
    assert revision.snapshot == [] and draft.session_id is None
