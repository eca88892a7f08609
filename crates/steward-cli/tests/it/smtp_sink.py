"""A real SMTP server for the mail tests, run as its own process by aiosmtpd:

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIRECTORY

Each message it accepts is written to DIRECTORY as NAME.eml (the message as received) and
NAME.json (its headers and its decoded plain-text and HTML parts), both before the server says
250, so a message the client saw accepted is always on disk. A recipient whose address contains
"refuse" is turned away with a permanent 550, as a real server does for an unknown mailbox.
"""

import email
import email.policy
import json
import os
import time


class Sink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("give the directory to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refuse" in address:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            kind = part.get_content_type()
            if kind in ("text/plain", "text/html") and kind not in parts:
                parts[kind] = part.get_content()
        summary = {
            "from": str(message["From"]),
            "to": str(message["To"]),
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
        }
        name = "%d-%d" % (time.time_ns(), os.getpid())
        for suffix, data in ((".eml", raw), (".json", json.dumps(summary).encode("utf-8"))):
            temporary = os.path.join(self.directory, name + suffix + ".part")
            with open(temporary, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.rename(temporary, os.path.join(self.directory, name + suffix))
        return "250 Message accepted for delivery"
