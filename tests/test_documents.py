"""Documents of events and sessions, through the organisers' and the public pages, stored in the database."""
import io
import zipfile

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, DocumentFile, StoredBlob

from .conftest import text

PDF_EN = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_FR = b"%PDF-1.7\n% note conceptuelle\n%%EOF\n"
PDF_EN_2 = b"%PDF-1.4\n% second edition of the concept note\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def docx(extra=()):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            archive.writestr(name, "x")
    return out.getvalue()


def upload(client, event, data, filename="note.pdf", **fields):
    form = {"title": "Concept note", "kind": "concept_note", "session_id": "0", "access": "public", "language": "en"}
    form.update(fields)
    form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/manage/events/{event.id}/documents/", data=form, content_type="multipart/form-data",
                       follow_redirects=True)


def put_file(client, event, document_id, data, filename, language):
    return client.post(f"/manage/events/{event.id}/documents/{document_id}/file",
                       data={"language": language, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


def public_url(event, document_id, language):
    return f"/events/{event.slug}/documents/{document_id}/{language}"


def only_document_id():
    return db.session.scalar(sa.select(DocumentFile.document_id).order_by(DocumentFile.id).limit(1))


def test_upload_list_in_the_reader_language_replace_and_download_with_304(client, make_event, make_session, organiser):
    event = make_event(slug="idm-2030")
    panel = make_session(event, title="Panel on pathways")
    make_session(event, title="Coffee break")
    organiser(event)

    response = upload(client, event, PDF_EN, "Concept note (EN).pdf")
    assert "Document “Concept note” uploaded." in text(response)
    doc_id = only_document_id()
    response = put_file(client, event, doc_id, PDF_FR, "Note conceptuelle.pdf", "fr")
    assert "File Note conceptuelle.pdf saved for “Concept note”." in text(response)
    upload(client, event, docx(), "slides.docx", title="Pathways presentation", kind="presentation", session_id=str(panel.id))

    page = text(client.get("/events/idm-2030/"))
    assert f"Documents Concept note Concept note · PDF, {len(PDF_EN)} bytes · English" in page
    assert f"Also in: Français (PDF, {len(PDF_FR)} bytes)" in page
    assert "Pathways presentation" not in page  # a session's document shows on the session's page
    french = text(client.get("/events/idm-2030/?lang=fr"))
    assert f"Concept note Note conceptuelle · PDF, {len(PDF_FR)} bytes · Français" in french
    assert f"Aussi en : English (PDF, {len(PDF_EN)} bytes)" in french
    session_page = text(client.get(f"/events/idm-2030/sessions/{panel.id}?lang=en"))
    assert "Pathways presentation Presentation · Word, " in session_page

    agenda = client.get("/events/idm-2030/agenda").get_data(as_text=True)
    assert agenda.count('class="badge badge-documents"') == 1
    assert f'href="/events/idm-2030/sessions/{panel.id}#documents-heading"' in agenda

    first = client.get(public_url(event, doc_id, "en"))
    assert first.status_code == 200 and first.data == PDF_EN
    assert first.headers["Content-Type"] == "application/pdf"
    assert first.headers["Content-Disposition"].startswith("inline;")
    assert "Concept%20note%20%28EN%29.pdf" in first.headers["Content-Disposition"] or "Concept note (EN).pdf" in first.headers["Content-Disposition"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    again = client.get(public_url(event, doc_id, "en"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag

    # The links on the page carry the version, so that browsers and proxies may keep the file a year.
    versioned = client.get(public_url(event, doc_id, "en") + f"?v={etag.strip(chr(34))[:16]}")
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    slides = client.get(public_url(event, doc_id + 1, "en"))
    assert slides.headers["Content-Disposition"].startswith("attachment;")  # Office files never open inline

    response = put_file(client, event, doc_id, PDF_EN_2, "Concept note v2.pdf", "en")
    assert "File Concept note v2.pdf saved" in text(response)
    replaced = client.get(public_url(event, doc_id, "en"), headers={"If-None-Match": etag})
    assert replaced.status_code == 200 and replaced.data == PDF_EN_2  # same address, new file
    assert "Concept note v2.pdf" in replaced.headers["Content-Disposition"]
    assert "· English · updated on" in text(client.get("/events/idm-2030/?lang=en"))
    changes = text(client.get("/events/idm-2030/agenda/changes"))
    assert ("Documents added or updated Concept note English · updated on" in changes
            and "Pathways presentation English · Panel on pathways · added on" in changes)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredBlob)) == 3  # the old bytes are gone

    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("document.%")).order_by(AuditEntry.id)).all()
    assert actions == ["document.create", "document.add_language", "document.create", "document.replace"]


def test_participants_only_documents_open_from_the_participant_page_and_never_publicly(
        client, make_event, make_policy, make_participant, organiser):
    from eventapp.services.registration.tokens import issue_token

    event = make_event(slug="closed-doc")
    make_policy(event)
    organiser(event)
    upload(client, event, PDF_EN, "list.pdf", title="Contact list", kind="other", access="participants")
    doc_id = only_document_id()
    client.post("/manage/logout")

    assert "Contact list" not in text(client.get("/events/closed-doc/"))
    assert client.get(public_url(event, doc_id, "en")).status_code == 404

    confirmed = make_participant(event)
    token = issue_token(confirmed)
    db.session.commit()
    page = client.get(f"/registrations/{token}")
    assert f"Contact list Other document · PDF, {len(PDF_EN)} bytes · English · for participants" in text(page)
    link = f"/registrations/{token}/documents/{doc_id}/en"
    assert link in page.get_data(as_text=True)
    response = client.get(link)
    assert response.status_code == 200 and response.data == PDF_EN
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(link, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    assert client.get(f"/registrations/not-a-token/documents/{doc_id}/en").status_code == 404
    confirmed.state = "cancelled"
    db.session.commit()
    assert client.get(link).status_code == 404
    assert "Contact list" not in text(client.get(f"/registrations/{token}"))


@pytest.mark.parametrize("app_config", [{"DOCUMENT_MAX_BYTES": 1000}], indirect=True)
def test_refused_types_and_sizes_say_why_at_the_field_and_keep_the_form(client, make_event, organiser):
    event = make_event()
    organiser(event)
    refused_type = "This type of file is not accepted: upload a PDF, an Office document"
    for data, name, message in [
        (b"<!doctype html><script>alert(1)</script>", "agenda.pdf", refused_type),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.png", refused_type),
        (b"MZ\x90\x00\x03\x00\x00\x00", "report.docx", refused_type),
        (docx(["word/vbaProject.bin"]), "macros.docx", "Documents with macros are not accepted"),
        (b"%PDF-1.4\n" + b"0" * 1000, "big.pdf", "The file is larger than 1 KB, the largest accepted."),
        (b"", "empty.txt", "The file is empty."),
    ]:
        response = upload(client, event, data, name, title="Background paper on remittances", kind="background_paper")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert message in text(response), name
        assert 'aria-invalid="true" id="file"' in page or 'id="file" aria-invalid="true"' in page or 'id="file-error"' in page
        assert 'value="Background paper on remittances"' in page  # the rest of the form is kept
        assert '<option selected value="background_paper">' in page or 'value="background_paper" selected' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) == 0

    ok = upload(client, event, "Plain notes, UTF-8: é".encode(), "notes.exe", title="Notes")
    assert "Document “Notes” uploaded." in text(ok)
    [row] = db.session.scalars(sa.select(DocumentFile)).all()
    assert (row.filename, row.content_type) == ("notes.txt", "text/plain; charset=utf-8")  # named by its content
    download = client.get(public_url(event, row.document_id, "en"))
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_documents_are_in_the_export_and_other_organisers_cannot_see_them(client, make_event, make_session, organiser, make_user, login):
    import yaml

    event = make_event(slug="export-me")
    panel = make_session(event, title="Panel")
    organiser(event)
    upload(client, event, PDF_EN, "=cmd.pdf", title="=HYPERLINK(1)", session_id=str(panel.id))
    csv_text = client.get(f"/manage/events/{event.id}/documents/export.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "\ufefftitle,kind,access,session_uid,session,language,filename,content_type,size,sha256,uploaded_at,updated_at"
    assert csv_text.splitlines()[1].startswith(f"'=HYPERLINK(1),concept_note,public,{panel.uid},Panel,en,'=cmd.pdf,application/pdf,{len(PDF_EN)},")
    data = yaml.safe_load(client.get(f"/manage/events/{event.id}/documents/export.yaml").get_data(as_text=True))
    assert data["documents"][0]["title"] == "=HYPERLINK(1)" and data["documents"][0]["size"] == len(PDF_EN)
    assert "%PDF" not in csv_text

    other = make_user(events=[make_event()])
    client.post("/manage/logout")
    login(other)
    doc_id = only_document_id()
    assert client.get(f"/manage/events/{event.id}/documents/").status_code == 404
    assert client.get(f"/manage/events/{event.id}/documents/{doc_id}/en").status_code == 404


def test_public_document_lists_take_a_constant_number_of_queries(client, make_event, make_session, organiser, count_queries):
    event = make_event(slug="flat")
    sessions = [make_session(event, title=f"S{n}") for n in range(6)]
    organiser(event)

    def queries():
        with count_queries() as statements:
            client.get("/events/flat/agenda")
            client.get("/events/flat/")
        return len(statements)

    for item in sessions[:2]:
        upload(client, event, PDF_EN, "a.pdf", title=f"Doc {item.id}", session_id=str(item.id))
    upload(client, event, PDF_EN, "e.pdf", title="Event doc")
    few = queries()
    for item in sessions[2:]:
        upload(client, event, PDF_EN, "a.pdf", title=f"Doc {item.id}", session_id=str(item.id))
    for n in range(3):
        upload(client, event, PDF_EN, "e.pdf", title=f"Event doc {n}")
    assert queries() == few


def test_the_agenda_change_e_mail_mentions_public_documents_added_since_the_last_revision(
        client, open_event, make_session, organiser):
    from eventapp.models import DraftSession

    from .conftest import outbox, register_data

    plenary = make_session(open_event, title="Plenary")
    client.post(f"/events/{open_event.slug}/register", data=register_data(email="amina@example.org"))
    organiser(open_event)
    publish = f"/manage/events/{open_event.id}/agenda/publish"
    client.get(f"/manage/events/{open_event.id}/sessions/")
    client.post(publish, data={"label": "Draft agenda", "is_final": "draft"})
    upload(client, open_event, PDF_EN, "report.pdf", title="Summary report", kind="report")
    upload(client, open_event, PDF_EN, "secret.pdf", title="Room list", kind="other", access="participants")
    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == plenary.id))
    draft.title = "Plenary: the way forward"
    db.session.commit()
    client.post(publish, data={"label": "Final programme", "is_final": "final"})

    [mail] = [m for m in outbox("amina@example.org") if m.kind == "agenda_changed"]
    doc_id = db.session.scalar(sa.select(DocumentFile.document_id).order_by(DocumentFile.id).limit(1))
    assert "New or updated documents:" in mail.text_body
    assert f"- Summary report (EN): https://events.example.org/events/{open_event.slug}/documents/{doc_id}/en" in mail.text_body
    assert "Room list" not in mail.text_body and "Room list" not in mail.html_body
