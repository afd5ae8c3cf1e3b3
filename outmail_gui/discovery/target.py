"""What the user typed: an email address (the Outgoing Email ID) or a host, checked before any lookup."""

from __future__ import annotations

import dataclasses
import ipaddress

from outmail_gui.domain.addresses import address_problem, ascii_host, clean_host, host_problem


class TargetError(ValueError):
    """The address or host is invalid; the message says why (the command line exits 2)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    text: str  # as typed, trimmed
    address: str  # the email address, or "" when a host was given
    host: str  # the host given (A-labels; an IP without brackets), or the address's domain
    domain: str | None  # the DNS domain the sources ask about; None for an IP address

    @property
    def is_address(self) -> bool:
        return bool(self.address)


def parse_target(text: str) -> Target:
    typed = text.strip()
    if not typed:
        raise TargetError("enter an email address or a host name")
    if "@" in typed:
        problem = address_problem(typed)
        if problem:
            raise TargetError(problem.rstrip("."))
        domain = _ascii(typed.rpartition("@")[2])
        if _is_ip(domain):
            return Target(typed, typed, domain, None)
        return Target(typed, typed, domain, domain)
    problem = host_problem(typed)
    if problem:
        raise TargetError(problem.rstrip("."))
    host = _ascii(clean_host(typed))
    return Target(typed, "", host, None if _is_ip(host) else host)


def _ascii(host: str) -> str:
    try:
        return ascii_host(host.strip("[]") if host.startswith("[") else host).lower()
    except (UnicodeError, ValueError) as exc:
        raise TargetError(f"{host!r} is not a valid host name: {exc}") from None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
