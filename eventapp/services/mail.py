"""E-mail that is never lost: an outbox written with the change, then delivered by a worker.

`queue()` adds a row in the caller's transaction, so the e-mail exists exactly when the change
that caused it was committed. `send_due()` delivers: it claims one due row at a time (PostgreSQL:
`FOR UPDATE SKIP LOCKED`, so two workers never wait on or pick the same row; everywhere: a
compare-and-set on `attempts`), commits the claim, talks to the SMTP server with no database lock
held, and marks the row sent only once the server has accepted the message. A failure leaves the
row queued with an exponential back-off; a permanent refusal (5xx) or too many attempts marks it
failed. A worker that dies between the server's acceptance and its own commit would send that one
message again on a later pass, with the same Message-ID so mail clients show it once.
"""
from __future__ import annotations

import logging
import smtplib
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import MailStatus, OutboxAttachment, OutboxMessage, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 15
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
#: A claimed message is left alone this long, more than any SMTP conversation takes.
CLAIM_LEASE = timedelta(minutes=10)
SMTP_TIMEOUT = 30


def public_url(endpoint, **values):
    """An absolute link built from PUBLIC_BASE_URL, never from the request's Host header."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def queue(recipient, subject, text, html, *, kind, registration=None, attachments=(), flush=True):
    """Add an e-mail to the outbox, in the caller's transaction (flush=False: many at once, flushed later)."""
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    message = OutboxMessage(
        kind=kind,
        registration_id=registration.id if registration is not None else None,
        message_id=make_msgid(domain=domain),
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        recipient=recipient,
        subject=subject,
        text_body=text,
        html_body=html,
        attachments=[
            OutboxAttachment(filename=name, content_type=ctype, data=data)
            for name, ctype, data in attachments
        ],
    )
    db.session.add(message)
    if flush:
        db.session.flush()
    return message


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: plain text, an HTML alternative, then the attachments."""
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    for item in message.attachments:
        maintype, subtype = item.content_type.split("/", 1)
        if maintype == "text":
            email.add_attachment(item.data.decode("utf-8"), subtype=subtype, filename=item.filename)
        else:
            email.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return email


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


class ConnectionFailure(Exception):
    """The server could not be reached: the rest of this pass would fail the same way."""


class SMTPTransport:
    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        c = self.config
        cls = smtplib.SMTP_SSL if c["MAIL_USE_SSL"] else smtplib.SMTP
        connection = cls(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        if c["MAIL_USE_TLS"] and not c["MAIL_USE_SSL"]:
            connection.starttls()
        if c.get("MAIL_USERNAME"):
            connection.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "")
        return connection

    def send(self, email):
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and min(codes) >= 500:
                raise PermanentFailure(str(exc.recipients)) from exc
            raise
        except smtplib.SMTPSenderRefused:
            raise  # a configuration problem: retry once it is fixed
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            self.close()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ConnectionFailure(str(exc) or exc.__class__.__name__) from exc

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.connection = None


class ConsoleTransport:
    """Without MAIL_SERVER: print each e-mail in full, so its links can be followed."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.lock = threading.Lock()

    def send(self, email):
        lines = ["=" * 72]
        lines += [f"{name}: {value}" for name, value in email.items() if name in ("From", "To", "Subject", "Date", "Message-ID")]
        lines.append("")
        for part in email.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                lines.append(f"[attachment: {part.get_filename()}, {part.get_content_type()}]")
                if part.get_content_maintype() == "text":  # the .ics: show what the calendar receives
                    lines.append(part.get_content().replace("\r\n", "\n").rstrip())
                    lines.append(f"[end of {part.get_filename()}]")
            elif part.get_content_type() == "text/plain":
                lines.append(part.get_content().rstrip())
            else:
                lines.append("[the same text as HTML follows in the real e-mail]")
            lines.append("")
        lines.append("=" * 72)
        with self.lock:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()

    def close(self):
        pass


def transport_for(config):
    return SMTPTransport(config) if config.get("MAIL_SERVER") else ConsoleTransport()


def retry_delay(attempts):
    """30 s, 1 min, 2 min, ... doubling up to 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _claim_next(now, ids):
    """Claim one due message and commit the claim, or return None when nothing is due."""
    while True:
        query = (
            sa.select(OutboxMessage.id, OutboxMessage.attempts)
            .where(OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(ids))
        row = db.session.execute(query).first()
        if row is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.attempts == row.attempts,
                OutboxMessage.status == MailStatus.QUEUED,
            )
            .values(attempts=row.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(OutboxMessage, row.id, populate_existing=True)


@dataclass
class Pass:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self):
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}"


def send_due(now=None, *, ids=None, limit=500, transport=None):
    """Deliver the messages that are due (or just those in `ids`); one pass, at most `limit`."""
    now = now or datetime.now(timezone.utc)
    transport = transport or transport_for(current_app.config)
    result = Pass()
    try:
        for _ in range(limit):
            message = _claim_next(now, ids)
            if message is None:
                break
            try:
                transport.send(build_email(message))
            except PermanentFailure as exc:
                message.status, message.last_error = MailStatus.FAILED, str(exc)
                result.failed += 1
            except Exception as exc:  # noqa: BLE001 - any other failure is retried later
                message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = MailStatus.FAILED
                    result.failed += 1
                else:
                    message.next_attempt_at = datetime.now(timezone.utc) + retry_delay(message.attempts)
                    result.retrying += 1
                db.session.commit()
                log.warning("e-mail %s to %s not delivered: %s", message.id, message.recipient, exc)
                if isinstance(exc, ConnectionFailure):
                    break
                continue
            else:
                message.status, message.sent_at, message.last_error = MailStatus.SENT, utcnow(), ""
                # The body holds a manage link: once delivered it has no reason to stay here.
                message.text_body = message.html_body = ""
                result.sent += 1
            db.session.commit()
    finally:
        transport.close()
    return result


def retry_failed():
    """Put messages that were given up on back in the queue."""
    count = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow())
    ).rowcount
    return count


def _deliver_in_background(app, ids):
    with app.app_context():
        try:
            send_due(ids=ids)
        except Exception:  # noqa: BLE001 - the worker retries whatever is left
            log.exception("immediate delivery failed; the mail worker will retry")
        finally:
            db.session.remove()


def init_app(app):
    """With MAIL_SEND_IMMEDIATELY, new outbox rows are handed to a thread as soon as they commit."""
    session_class = db.session.session_factory.class_
    if sa.event.contains(session_class, "after_flush", _collect_new):
        return
    sa.event.listen(session_class, "after_flush", _collect_new)
    sa.event.listen(session_class, "after_commit", _hand_over)
    sa.event.listen(session_class, "after_rollback", _forget)


def _collect_new(session, flush_context):
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault("outbox_new", []).extend(new)


def _hand_over(session):
    ids = session.info.pop("outbox_new", None)
    if ids and current_app.config.get("MAIL_SEND_IMMEDIATELY"):
        app = current_app._get_current_object()
        threading.Thread(target=_deliver_in_background, args=(app, ids), daemon=True).start()


def _forget(session):
    session.info.pop("outbox_new", None)
