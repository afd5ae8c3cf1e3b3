"""DNS for discovery (dnspython): SRV, MX and addresses, bounded by the deadline and Cancel.

Without ``--dns-server`` SRV and MX go to the system's DNS servers (``/etc/resolv.conf``) and
host addresses come from the system resolver, as for the connection test. With it, everything,
addresses included, is asked of that one server: an administrator checks what it answers.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.errors import ProbeFailure

QUERY_SLICE_S = 0.5  # one query waits at most this long before Cancel and the deadline are checked again


class LookupProblem(Exception):
    """No usable answer; the message says what happened (NXDOMAIN, SERVFAIL, no answer in time)."""

    def __init__(self, message: str, *, no_data: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.no_data = no_data  # the name exists (or not) but has no record of this type: a plain "none"


@dataclasses.dataclass(frozen=True, slots=True)
class DnsServer:
    ip: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{host}:{self.port}" if self.port != 53 else self.ip


def parse_dns_server(text: str) -> DnsServer:
    """``IP``, ``IP:PORT``, ``IPv6`` or ``[IPv6]:PORT``; a ValueError says what is wrong."""
    value = text.strip()
    port_text = ""
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"{text!r} is not IP[:PORT]")
        port_text = rest[1:]
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
    else:
        host = value
    try:
        ip = str(ipaddress.ip_address(host))
    except ValueError:
        raise ValueError(f"{host!r} is not an IP address (the DNS server is given as IP[:PORT])") from None
    port = 53
    if port_text or value.endswith(":"):
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"{port_text!r} is not a port number (1-65535)")
        port = int(port_text)
    return DnsServer(ip, port)


class Lookup:
    """The resolver discovery asks; safe to share between its threads."""

    def __init__(self, server: DnsServer | None = None) -> None:
        self.server = server
        self._problem = ""
        resolver: dns.resolver.Resolver | None
        if server is None:
            try:
                resolver = dns.resolver.Resolver()
            except dns.resolver.NoResolverConfiguration:
                resolver, self._problem = None, "this workstation has no DNS server configured"
        else:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [server.ip]
            resolver.port = server.port
        if resolver is not None:
            resolver.timeout = QUERY_SLICE_S
            resolver.cache = None
        self._resolver = resolver

    @property
    def where(self) -> str:
        return f"DNS server {self.server}" if self.server else "the system's DNS servers"

    def query(self, name: str, rdtype: str, deadline: Deadline) -> list[Any]:
        """The answer's records; a :class:`LookupProblem` when there are none or no answer came."""
        if self._resolver is None:
            raise LookupProblem(f"{name}: {self._problem}")
        asked = False
        while True:
            try:
                deadline.check()
            except ProbeFailure:  # out of time, or cancelled
                said = f"no answer from {self.where} in time" if asked else "not asked: no time was left"
                raise LookupProblem(f"{name}: {said}") from None
            asked = True
            try:
                answer = self._resolver.resolve(
                    name,
                    rdtype,
                    lifetime=max(0.01, min(deadline.remaining(), QUERY_SLICE_S)),
                    raise_on_no_answer=False,
                    search=False,
                )
            except dns.resolver.NXDOMAIN:
                raise LookupProblem(f"{name}: no such name (NXDOMAIN)", no_data=True) from None
            except dns.resolver.NoNameservers as exc:
                raise LookupProblem(f"{name}: {self.where} failed to answer (SERVFAIL or refused): {exc}") from None
            except dns.resolver.LifetimeTimeout:
                continue  # within the deadline: ask again
            except (dns.exception.DNSException, OSError) as exc:
                raise LookupProblem(f"{name}: {type(exc).__name__}: {exc}") from None
            records = list(answer.rrset) if answer.rrset is not None else []
            if not records:
                raise LookupProblem(f"{name}: no {rdtype} record", no_data=True)
            return records

    def addresses(self, host: str, deadline: Deadline) -> tuple[str, ...]:
        """IPv4 and IPv6 addresses of ``host`` (an IP literal is its own address)."""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return (host,)
        if self.server is None:
            return self._system_addresses(host, deadline)
        found: list[str] = []
        problems: list[LookupProblem] = []
        for rdtype in ("A", "AAAA"):
            try:
                found += [record.address for record in self.query(host, rdtype, deadline)]
            except LookupProblem as problem:
                problems.append(problem)
        if found:
            return tuple(found)
        if all(p.no_data for p in problems):
            raise LookupProblem(f"{host} has no address in DNS", no_data=True)
        raise problems[0]

    @staticmethod
    def _system_addresses(host: str, deadline: Deadline) -> tuple[str, ...]:
        from outmail_gui.probe.network import resolve

        try:
            found = resolve(host, 0, deadline)
        except ProbeFailure as failure:
            raise LookupProblem(failure.message.rstrip("."), no_data="no address" in failure.message) from None
        return tuple(dict.fromkeys(str(sockaddr[0]) for _family, sockaddr in found))


def target_text(name: Any) -> str:
    """A record's target as text without the final dot; ``"."`` stays ``"."`` (RFC 2782: no service)."""
    text = name.to_text() if isinstance(name, dns.name.Name) else str(name)
    return text if text == "." else text.rstrip(".").lower()
