"""Where document bytes live: the database by default, or an S3-compatible bucket named by STORAGE_URL.

Neither needs a disk shared by the app servers. STORAGE_URL looks like
`s3://bucket?endpoint_url=https://s3.example.org&region=eu-central-1`; credentials come from the
usual boto3 sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
"""
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ...extensions import db
from ...models import StoredBlob


class DatabaseStorage:
    """Bytes in the stored_blobs table, written in the same transaction as the document."""

    def put(self, key, data, content_type):
        db.session.add(StoredBlob(key=key, data=data))

    def get(self, key):
        data = db.session.scalar(sa.select(StoredBlob.data).where(StoredBlob.key == key))
        if data is None:
            raise KeyError(key)
        return bytes(data)

    def delete(self, key):
        db.session.execute(sa.delete(StoredBlob).where(StoredBlob.key == key))


class S3Storage:
    """Bytes in an S3-compatible bucket, kept in step with the database transaction.

    A new object is removed again if the transaction rolls back; an old one is removed only once the
    change is committed. (A crash between the upload and the commit can still leave an orphan object.)
    """

    def __init__(self, bucket, endpoint_url=None, region=None):
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or "us-east-1")

    def put(self, key, data, content_type):
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        db.session().info.setdefault("new_objects", []).append((self, key))

    def get(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None

    def delete(self, key):
        # Deleting now would lose the file if the transaction then rolls back: wait for the commit.
        db.session().info.setdefault("discard_objects", []).append((self, key))

    def delete_now(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=key)


def parse_storage_url(url):
    """(bucket, endpoint_url, region) from an s3:// URL; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"STORAGE_URL must look like s3://bucket?endpoint_url=...; got {url!r}")
    query = parse_qs(parts.query)
    return parts.netloc, (query.get("endpoint_url") or [None])[0], (query.get("region") or [None])[0]


def storage():
    """The storage the app is configured with (one client per app)."""
    found = current_app.extensions.get("document_storage")
    if found is None:
        url = current_app.config.get("STORAGE_URL")
        found = S3Storage(*parse_storage_url(url)) if url else DatabaseStorage()
        current_app.extensions["document_storage"] = found
    return found


@sa.event.listens_for(so.Session, "after_commit")
def _discard_after_commit(session):
    session.info.pop("new_objects", None)
    for store, key in session.info.pop("discard_objects", []):
        store.delete_now(key)


@sa.event.listens_for(so.Session, "after_rollback")
def _undo_after_rollback(session):
    session.info.pop("discard_objects", None)
    for store, key in session.info.pop("new_objects", []):
        store.delete_now(key)
