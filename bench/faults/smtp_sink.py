"""A local SMTP sink for the fault suite: accepts every message and appends one JSON line per message and
recipient (to, subject, message_id, at) to --out. Switching it off is stopping the process: the port then
refuses connections, as a mail server that is down does.

    python bench/faults/smtp_sink.py --port 2525 --out var/mail.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller


class JsonLinesHandler:
    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        lines = "".join(
            json.dumps({"to": rcpt, "subject": subject, "message_id": message.get("Message-ID", ""),
                        "at": time.time()}) + "\n"
            for rcpt in envelope.rcpt_tos
        )
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(lines)
            out.flush()
            os.fsync(out.fileno())
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    controller = Controller(JsonLinesHandler(args.out), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
