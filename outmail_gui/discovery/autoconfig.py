"""The domain's own autoconfig file (Mozilla's ``config-v1.1.xml``), over verified HTTPS only.

Two places are asked, in this order: ``https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS``
and ``https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml``. Nothing else is contacted:
no plain HTTP, no redirect to another domain, no third-party database. The file is read up to
:data:`MAX_BYTES` and parsed by defusedxml with DTDs forbidden (no entities, no external
references). Only ``outgoingServer`` elements of type ``smtp`` are used.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import requests
import requests.adapters

from outmail_gui.discovery.lookup import Lookup, LookupProblem
from outmail_gui.discovery.model import Source, Suggestion
from outmail_gui.domain.addresses import host_problem
from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.request import Security

MAX_BYTES = 256 * 1024  # real files are a few kilobytes
MAX_REDIRECTS = 3
MAX_SERVERS = 4
READ_CHUNK = 16 * 1024
SOCKET_TYPES = {"SSL": Security.IMPLICIT, "STARTTLS": Security.STARTTLS, "PLAIN": Security.NONE}
# The file's authentication names and the SASL mechanisms they stand for.
AUTH_NAMES = {
    "password-cleartext": ("PLAIN", "LOGIN"),
    "plain": ("PLAIN", "LOGIN"),
    "password-encrypted": ("CRAM-MD5", "DIGEST-MD5"),
    "secure": ("CRAM-MD5", "DIGEST-MD5"),
    "ntlm": ("NTLM",),
    "gssapi": ("GSSAPI",),
    "oauth2": ("XOAUTH2",),
}


class FetchProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def urls(domain: str, address: str) -> list[str]:
    query = "?" + urllib.parse.urlencode({"emailaddress": address}) if address else ""
    return [
        f"https://autoconfig.{domain}/mail/config-v1.1.xml{query}",
        f"https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
    ]


class _AddressAdapter(requests.adapters.HTTPAdapter):
    """Connects to an address discovery looked up itself, while TLS still checks the host's name."""

    def __init__(self, address: str, host: str) -> None:
        super().__init__(max_retries=0)
        self.address, self.host = address, host

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        extra: dict[str, Any] = {"server_hostname": self.host, "assert_hostname": self.host}
        return {**host_params, "host": self.address}, {**pool_kwargs, **extra}


def fetch(url: str, domain: str, lookup: Lookup, deadline: Deadline, ca_file: str | None) -> bytes:
    """The file's bytes; a :class:`FetchProblem` says why there are none."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https":
            raise FetchProblem(f"{url}: not HTTPS (only HTTPS with a verified certificate is used)")
        if host != domain and not host.endswith("." + domain):
            raise FetchProblem(f"redirected to another domain ({host}): not followed")
        response = _get(url, host, lookup, deadline, ca_file)
        with response:
            if response.is_redirect:
                url = urllib.parse.urljoin(url, response.headers.get("location", ""))
                continue
            if response.status_code != 200:
                raise FetchProblem(f"{url}: HTTP {response.status_code} {response.reason}")
            return _read_capped(response, url, deadline)
    raise FetchProblem(f"{url}: more than {MAX_REDIRECTS} redirects")


def _get(url: str, host: str, lookup: Lookup, deadline: Deadline, ca_file: str | None) -> requests.Response:
    try:
        addresses = lookup.addresses(host, deadline)
    except LookupProblem as problem:
        raise FetchProblem(problem.message) from None
    problems: list[str] = []
    for address in addresses[:2]:
        with requests.Session() as session:
            session.trust_env = False  # no proxy, netrc or environment CA bundle: exactly what we were asked
            session.mount("https://", _AddressAdapter(address, host))
            wait = max(0.05, deadline.remaining())
            try:
                return session.get(
                    url,
                    headers={"Host": host, "Accept": "application/xml, text/xml"},
                    timeout=(wait, wait),
                    allow_redirects=False,
                    stream=True,
                    verify=ca_file or True,
                )
            except requests.exceptions.SSLError as exc:
                raise FetchProblem(f"{url}: the certificate could not be verified ({_reason(exc)})") from None
            except requests.exceptions.Timeout:
                problems.append(f"{address}: no answer in time")
            except requests.exceptions.RequestException as exc:
                problems.append(f"{address}: {_reason(exc)}")
    raise FetchProblem(f"{url}: {'; '.join(problems) or 'no address'}")


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("certificate verify failed: ", "Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip(" ()'\"")[:200] or type(exc).__name__


def _read_capped(response: requests.Response, url: str, deadline: Deadline) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise FetchProblem(f"{url}: the file is too large ({int(declared):,} bytes; at most {MAX_BYTES:,} are read)")
    data = bytearray()
    try:
        for chunk in response.iter_content(READ_CHUNK):
            data += chunk
            if len(data) > MAX_BYTES:
                raise FetchProblem(f"{url}: the file is too large (more than {MAX_BYTES:,} bytes): not read further")
            if deadline.remaining() <= 0:
                raise FetchProblem(f"{url}: the file did not arrive in time")
    except requests.exceptions.Timeout:
        raise FetchProblem(f"{url}: the file did not arrive in time") from None
    except requests.exceptions.RequestException as exc:
        raise FetchProblem(f"{url}: {_reason(exc)}") from None
    return bytes(data)


def parse(data: bytes, domain: str, address: str) -> list[Suggestion]:
    """The ``smtp`` outgoing servers of a config-v1.1.xml file; a :class:`FetchProblem` when it is not one."""
    import defusedxml
    import defusedxml.ElementTree

    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise FetchProblem(f"refused: the file uses forbidden XML ({type(exc).__name__})") from None
    except Exception as exc:  # ParseError, or bytes that are not XML at all
        raise FetchProblem(f"not a valid XML file ({str(exc)[:120] or type(exc).__name__})") from None
    if root.tag != "clientConfig":
        raise FetchProblem(f"not an autoconfig file (root element {root.tag!r})")
    local = address.partition("@")[0] if address else ""
    found: list[Suggestion] = []
    problems: list[str] = []
    for server in root.iter("outgoingServer"):
        if server.get("type", "").lower() != "smtp" or len(found) >= MAX_SERVERS:
            continue
        host = _text(server, "hostname").replace("%EMAILDOMAIN%", domain).replace("%EMAILLOCALPART%", local).lower()
        port_text = _text(server, "port")
        security = SOCKET_TYPES.get(_text(server, "socketType").upper())
        if host_problem(host) or not port_text.isdigit() or not 1 <= int(port_text) <= 65535 or security is None:
            problems.append(f"an unusable outgoingServer entry ({host or 'no hostname'}:{port_text or '?'})")
            continue
        methods: list[str] = []
        for element in server.iter("authentication"):
            for mechanism in AUTH_NAMES.get((element.text or "").strip().lower(), ()):
                if mechanism not in methods:
                    methods.append(mechanism)
        found.append(Suggestion(host, int(port_text), security, Source.AUTOCONFIG, len(found), methods=tuple(methods)))
    if not found:
        raise FetchProblem("the file names no SMTP server" + (f" ({'; '.join(problems)})" if problems else ""))
    return found


def _text(element: Any, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def autoconfig_suggestions(
    lookup: Lookup, domain: str, address: str, deadline: Deadline, ca_file: str | None
) -> tuple[list[Suggestion], list[str], bool]:
    """The first file found gives the servers; what happened at each place is reported."""
    lines: list[str] = []
    for url in urls(domain, address):
        try:
            found = parse(fetch(url, domain, lookup, deadline, ca_file), domain, address)
        except FetchProblem as problem:
            lines.append(problem.message if problem.message.startswith("https://") else f"{url}: {problem.message}")
            continue
        shown = ", ".join(f"{s.host}:{s.port} ({s.security.value})" for s in found)
        lines.append(f"{url}: {shown}")
        return found, lines, True
    return [], lines, False
