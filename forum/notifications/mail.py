"""Send e-mail: through SMTP when MAIL_SERVER is set, otherwise as .eml files in the outbox;
as a background job, so no request waits for the mail server."""

import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template

from forum.core.jobs import enqueue


def outbox_path():
    configured = current_app.config.get("MAIL_OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def build_message(to, subject, text):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="commonground.invalid")
    message.set_content(text)
    return message


def send_email(to, subject, template, **context):
    """Render `templates/email/<template>.txt` now (links need the request) and send it to one
    address as a background job (see `forum.core.jobs`)."""
    text = render_template(f"email/{template}.txt", **context)
    enqueue("forum.notifications.mail.deliver", to, subject, text)


def deliver(to, subject, text):
    """Send one rendered message: by SMTP when MAIL_SERVER is set, otherwise as an .eml file
    in the outbox. Raises when the SMTP server refuses, so that a job is retried."""
    message = build_message(to, subject, text)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("E-mail %r sent to %s by SMTP", subject, to)
        return None
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    # Sortable names, so the newest message is the last one listed.
    path = folder / f"{datetime.now(UTC):%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:6]}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.info("E-mail %r to %s written to %s", subject, to, path)
    return path
