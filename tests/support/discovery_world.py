"""A small world for settings discovery, all on loopback: dnsmasq serving the test zones, an HTTPS
server with autoconfig files (some hostile), and SMTP servers (aiosmtpd) on the standard ports
25/465/587 of their own 127.x.y.z addresses. Used by the tests, the benchmark and the screenshots.

Every domain is one case: ``srv.example`` (SRV only), ``ac.example`` (autoconfig only), ``m365.example``
(Microsoft 365 MX), ``guess.example`` (guesses only: 465 refused, 587 good, 25 silent), ``untrusted.example``
(an untrusted certificate on 465), ``authplain.example`` (AUTH only without TLS), ``bomb.example``,
``big.example`` and ``redirect.example`` (hostile autoconfig files), ``silent.example`` (every host silent)
and ``bench.example`` (six candidates by guess, two of them silent: benchmarks/discovery.py).
"""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import dns_server
from tests.support.https_server import HttpsServer, Page
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer, TlsMaterial, aiosmtpd_server, make_tls

USER = "alice"
PASSWORD = "discovery-Pässwort-7"
TOKEN = "ya29.discovery-test-token"

AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
WELL_KNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"
BIG_BYTES = 50 * 1024 * 1024

HOST_NUMBERS = {  # last byte of each host's loopback address
    "dns": 1,
    "https": 2,
    "submit.srv.example": 10,
    "backup.srv.example": 11,
    "smtp-out.ac.example": 12,
    "smtp.office365.com": 13,
    "smtp.guess.example": 14,
    "smtp.untrusted.example": 15,
    "smtp.authplain.example": 16,
    "smtp.silent.example": 17,
    "autoconfig.silent.example": 18,
    "smtp.bench.example": 20,
    "mail.bench.example": 21,
}
HTTPS_NAMES = (
    "autoconfig.ac.example",
    "autoconfig.bomb.example",
    "autoconfig.big.example",
    "autoconfig.redirect.example",
    "redirect.example",
    "evil.example",
)
DOMAINS = (
    "srv.example",
    "ac.example",
    "m365.example",
    "guess.example",
    "untrusted.example",
    "authplain.example",
    "bomb.example",
    "big.example",
    "redirect.example",
    "silent.example",
    "bench.example",
    "evil.example",
    "office365.com",
)


def autoconfig_xml(host: str, port: int, socket_type: str, auth: str = "password-cleartext") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="test">
    <domain>test</domain>
    <incomingServer type="imap"><hostname>imap.example.invalid</hostname><port>993</port>
      <socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp">
      <hostname>{host}</hostname><port>{port}</port><socketType>{socket_type}</socketType>
      <username>%EMAILADDRESS%</username><authentication>{auth}</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
""".encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<clientConfig version="1.1"><emailProvider id="x"><outgoingServer type="smtp">
<hostname>&lol9;</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
</emailProvider></clientConfig>
"""


def fifty_megabytes() -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x"><displayName>'
    chunk = b"A" * 65536
    for _ in range(BIG_BYTES // len(chunk)):
        yield chunk


def free_loopback_base() -> str:
    """A random 127.x.y. prefix whose addresses are free: each test session gets its own."""
    rng = random.Random()
    for _ in range(50):
        base = f"127.{rng.randint(64, 254)}.{rng.randint(0, 254)}."
        try:
            for number in (1, 2, 14):
                with socket.create_server((base + str(number), 25 if number == 14 else 0)):
                    pass
        except OSError:
            continue
        return base
    raise RuntimeError("no free 127.x.y.z addresses")


@dataclass
class World:
    base: str
    dns: dns_server.DnsServer
    tls: TlsMaterial  # the CA discovery is told to trust (ca_file)
    https: HttpsServer
    handler: RecordingHandler
    smtp: dict[tuple[str, int], RunningSmtpServer] = field(default_factory=dict)
    silent: list[socket.socket] = field(default_factory=list)

    def address(self, name: str) -> str:
        return self.base + str(HOST_NUMBERS[name])


@contextmanager
def running_world(directory: Path) -> Iterator[World]:
    base = free_loopback_base()

    def ip(name: str) -> str:
        return base + str(HOST_NUMBERS[name])

    smtp_names = tuple(name for name in HOST_NUMBERS if "." in name)
    tls = make_tls(directory / "trusted", (*smtp_names, *HTTPS_NAMES))
    untrusted = make_tls(directory / "untrusted", ("smtp.untrusted.example",))
    zone = dns_server.Zone(
        domains=list(DOMAINS),
        hosts={name: [ip(name)] for name in smtp_names} | {name: [ip("https")] for name in HTTPS_NAMES},
        srv=[
            ("_submissions._tcp.srv.example", "submit.srv.example", 465, 0, 1),
            ("_submissions._tcp.srv.example", "backup.srv.example", 465, 10, 1),
            ("_submission._tcp.srv.example", None, 0, 0, 0),
            ("_submissions._tcp.silent.example", "smtp.silent.example", 465, 0, 0),
        ],
        mx=[
            ("m365.example", "contoso-test.mail.protection.outlook.com", 10),
            ("guess.example", "smtp.guess.example", 10),
        ],
    )
    pages = {
        ("autoconfig.ac.example", AUTOCONFIG_PATH): Page(autoconfig_xml("smtp-out.%EMAILDOMAIN%", 587, "STARTTLS")),
        ("autoconfig.bomb.example", AUTOCONFIG_PATH): Page(BILLION_LAUGHS),
        ("autoconfig.big.example", AUTOCONFIG_PATH): Page(fifty_megabytes),
        ("autoconfig.redirect.example", AUTOCONFIG_PATH): Page(
            status=302, headers={"Location": f"https://evil.example{AUTOCONFIG_PATH}"}
        ),
        ("redirect.example", WELL_KNOWN_PATH): Page(
            status=301, headers={"Location": f"http://redirect.example{AUTOCONFIG_PATH}"}
        ),
        ("evil.example", AUTOCONFIG_PATH): Page(autoconfig_xml("smtp.evil.example", 587, "STARTTLS")),
    }
    handler = RecordingHandler({USER: PASSWORD}, {USER: TOKEN})
    with ExitStack() as stack:
        dns = dns_server.start(directory / "dns", ip("dns"), zone)
        stack.callback(dns.stop)
        https = HttpsServer(ip("https"), 443, tls.server_context(), pages)
        stack.callback(https.stop)
        world = World(base, dns, tls, https, handler)

        def smtp(name: str, port: int, mode: str, material: TlsMaterial | None = tls, **kwargs: object) -> None:
            kwargs.setdefault("exclude", ("NTLM", "MSN", "commands"))  # no NTLM user file; auth_commands is a list
            server: AbstractContextManager[RunningSmtpServer] = aiosmtpd_server(
                handler,
                material,
                mode=mode,
                host=ip(name),
                port=port,
                **kwargs,  # type: ignore[arg-type]
            )
            world.smtp[(name, port)] = stack.enter_context(server)

        def silent(name: str, port: int) -> None:
            listener = socket.create_server((ip(name), port))  # accepts (the kernel does), never speaks
            stack.callback(listener.close)
            world.silent.append(listener)

        smtp("submit.srv.example", 465, "implicit")
        smtp("backup.srv.example", 465, "implicit")
        smtp("smtp-out.ac.example", 587, "starttls")
        smtp("smtp.office365.com", 587, "starttls")
        smtp("smtp.guess.example", 587, "starttls")
        silent("smtp.guess.example", 25)
        smtp("smtp.untrusted.example", 465, "implicit", untrusted)
        smtp("smtp.untrusted.example", 587, "starttls")
        smtp("smtp.authplain.example", 587, "none", None, auth_require_tls=False)
        for port in (25, 465, 587):
            silent("smtp.silent.example", port)
        silent("autoconfig.silent.example", 443)
        for name in ("smtp.bench.example", "mail.bench.example"):
            smtp(name, 465, "implicit")
            smtp(name, 587, "starttls")
            silent(name, 25)
        yield world
