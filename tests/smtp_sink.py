"""A real SMTP server for the tests and the benchmark (aiosmtpd): records what it receives, and answers
451 or 550 for chosen recipients or hangs on DATA on cue. `python tests/smtp_sink.py PORT` runs it as its own
process that only counts messages (the benchmark's sink): the count is printed on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

BIG = 1 << 20
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every address


class BigSMTP(SMTP):
    line_length_limit = BIG  # a whole multi-KB message may arrive in one write


class Recorder:
    def __init__(self, *, keep: bool = True):
        self.keep = keep
        self.messages: list[tuple[list[str], bytes]] = []
        self.count = 0
        self.refuse: dict[str, str] = {}  # address -> "451 …" / "550 …"
        self.refuse_sender = ""  # "550 …": every MAIL FROM is refused (a misconfigured sender address)
        self.hang = threading.Event()
        self.delay = 0.0  # seconds before each DATA is accepted, to stretch a dispatch
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang.is_set():
            await asyncio.sleep(3600)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.count += 1
            if self.keep:
                self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    """A free port for a sink, in 8200–8299 (the tests' and the benchmark's range)."""
    for port in range(8200, 8300):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8200-8299")


class Sink(Controller):
    def __init__(self, port: int, *, keep: bool = True):
        super().__init__(Recorder(keep=keep), hostname="127.0.0.1", port=port)

    def factory(self):
        return BigSMTP(self.handler, data_size_limit=64 * BIG, enable_SMTPUTF8=True, hostname="sink.test")

    @property
    def recorder(self) -> Recorder:
        return self.handler


def main() -> None:
    sink = Sink(int(sys.argv[1]), keep=False)
    sink.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    print("ready", flush=True)
    done.wait()
    sink.stop()
    print(sink.recorder.count, flush=True)


if __name__ == "__main__":
    main()
