"""The same document flows with STORAGE_URL naming a bucket on an S3-compatible server (moto's, started here)."""
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import DocumentFile, StoredBlob

from .conftest import free_port, text
from .test_documents import PDF_EN, PDF_EN_2, PDF_FR, only_document_id, public_url, put_file, upload

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's standalone S3-compatible server in its own process, on a free port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    import boto3

    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    name = f"docs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def app_config(app_config, bucket, s3_endpoint):
    class Config(app_config):
        STORAGE_URL = f"s3://{bucket[1]}?endpoint_url={s3_endpoint}&region=us-east-1"

    return Config


def objects(bucket):
    client, name = bucket
    return {o["Key"]: o["Size"] for o in client.list_objects_v2(Bucket=name).get("Contents", [])}


def test_documents_live_in_the_bucket_and_download_replace_and_304_work(client, make_event, organiser, bucket):
    event = make_event(slug="s3-event")
    organiser(event)
    assert "Document “Concept note” uploaded." in text(upload(client, event, PDF_EN, "note.pdf"))
    doc_id = only_document_id()
    put_file(client, event, doc_id, PDF_FR, "note-fr.pdf", "fr")
    files = {f.language: f for f in db.session.scalars(sa.select(DocumentFile))}
    assert objects(bucket) == {files["en"].storage_key: len(PDF_EN), files["fr"].storage_key: len(PDF_FR)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredBlob)) == 0  # nothing in the database

    assert f"Concept note · PDF, {len(PDF_EN)} bytes · English" in text(client.get("/events/s3-event/?lang=en"))
    first = client.get(public_url(event, doc_id, "en"))
    assert first.status_code == 200 and first.data == PDF_EN and first.headers["Content-Type"] == "application/pdf"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    etag = first.headers["ETag"]
    assert client.get(public_url(event, doc_id, "en"), headers={"If-None-Match": etag}).status_code == 304

    old_key = files["en"].storage_key
    put_file(client, event, doc_id, PDF_EN_2, "note-v2.pdf", "en")
    db.session.expire_all()
    new_key = db.session.scalar(sa.select(DocumentFile.storage_key).where(DocumentFile.language == "en"))
    assert new_key != old_key and old_key not in objects(bucket)  # the replaced object is removed after the commit
    again = client.get(public_url(event, doc_id, "en"), headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.data == PDF_EN_2

    assert "Delete “Concept note”?" in text(client.get(f"/manage/events/{event.id}/documents/{doc_id}/delete"))
    assert objects(bucket) != {}  # asking deletes nothing
    client.post(f"/manage/events/{event.id}/documents/{doc_id}/delete", follow_redirects=True)
    assert objects(bucket) == {}
    assert client.get(public_url(event, doc_id, "en")).status_code == 404


def test_a_refused_upload_stores_nothing_in_the_bucket(client, make_event, organiser, bucket):
    event = make_event()
    organiser(event)
    response = upload(client, event, b"<html><script>alert(1)</script></html>", "note.pdf")
    assert "This type of file is not accepted" in text(response)
    assert objects(bucket) == {}


def test_a_rolled_back_upload_leaves_no_object_and_keeps_the_old_one(app, make_event, bucket):
    from eventapp.services.documents import documents

    event = make_event()
    document = documents.add_document(event, {"title": "Note", "kind": "other", "access": "public"}, "en", "a.pdf", PDF_EN, None)
    db.session.commit()
    [kept] = objects(bucket)
    documents.put_file(document, "en", "b.pdf", PDF_EN_2, None)
    assert len(objects(bucket)) == 2  # the new bytes are uploaded before the commit...
    db.session.rollback()
    assert list(objects(bucket)) == [kept]  # ...and removed when the change is rolled back; the old file stays
    assert documents.file_bytes(db.session.scalar(sa.select(DocumentFile))) == PDF_EN
