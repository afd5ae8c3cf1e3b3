"""Name resolution and TCP connect, both bounded by the test's deadline and Cancel."""

from __future__ import annotations

import errno
import select
import socket
import threading
from typing import Any

from outmail_gui.probe import hints, plain
from outmail_gui.probe.connection import Deadline, wire_name
from outmail_gui.probe.errors import DeadlineExceeded, ProbeFailure

Address = tuple[int, "tuple[Any, ...]"]  # (family, sockaddr)


def network_host(host: str) -> str:
    """The host as the resolver needs it (IDN to A-labels, IPv6 brackets removed)."""
    text = host.strip()
    if text.isascii():
        return text[1:-1] if text.startswith("[") and text.endswith("]") else text.rstrip(".") or text
    from outmail_gui.domain.addresses import ascii_host

    try:
        return ascii_host(text)
    except Exception as exc:  # idna raises several types
        raise ProbeFailure(f"{text!r} is not a valid host name: {exc}.", "Correct Server.", "server") from None


def _is_ip(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return True
    return False


def literal_addresses(addresses: tuple[str, ...], port: int) -> list[Address]:
    """Addresses already looked up elsewhere (IP literals), as :func:`resolve` returns them."""
    found: list[Address] = []
    for text in addresses:
        scoped = scoped_address(text, port)
        if scoped is not None:
            found += [a for a in scoped if a not in found]
            continue
        infos = socket.getaddrinfo(wire_name(text), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        found += [(info[0], info[4]) for info in infos if (info[0], info[4]) not in found]
    return found


def scoped_address(host: str, port: int) -> list[Address] | None:
    """A scoped IPv6 literal (``::1%lo``, ``fe80::1%eth0``, ``fe80::1%3``) as its socket address, without
    DNS; ``None`` for any other host.

    glibc's getaddrinfo accepts a zone only on link-local addresses, so the zone is turned into the
    interface index here (:func:`socket.if_nametoindex`), after the domain's syntax check.
    """
    address, percent, zone = host.partition("%")
    if not percent:
        return None
    try:
        socket.inet_pton(socket.AF_INET6, address)
    except (OSError, ValueError):
        return None
    from outmail_gui.domain.addresses import zone_problem
    from outmail_gui.domain.shown import quoted

    problem = zone_problem(zone)
    if problem:
        raise ProbeFailure(problem, "Correct Server.", "server")
    if zone.isdigit():
        return [(socket.AF_INET6, (address, port, 0, int(zone)))]
    try:
        index = socket.if_nametoindex(zone)
    except OSError:
        raise ProbeFailure(
            f"This workstation has no network interface named {quoted(zone)} (the zone after % in Server).",
            "Use the name of one of this workstation's network interfaces (ip link or ifconfig lists them), "
            "or its number.",
            "server",
        ) from None
    return [(socket.AF_INET6, (address, port, 0, index))]


def resolve(host: str, port: int, deadline: Deadline, typed: str = "") -> list[Address]:
    """A and AAAA records (getaddrinfo runs in a helper thread so the deadline still holds).

    ``host`` is the A-label form (:func:`network_host`); ``typed``, the name as the user entered it,
    is shown beside it in messages when it differs (an IDN).
    """
    scoped = scoped_address(host, port)
    if scoped is not None:
        return scoped
    if _is_ip(host):
        infos = socket.getaddrinfo(wire_name(host), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        return [(info[0], info[4]) for info in infos]
    result: dict[str, Any] = {}

    done = threading.Event()

    def lookup() -> None:
        try:
            result["infos"] = socket.getaddrinfo(wire_name(host), port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            result["error"] = exc
        finally:
            done.set()

    shown = hints.shown_host(host, typed)
    # A daemon thread, not joined: a lookup that outlives the deadline is abandoned.
    threading.Thread(target=lookup, name="outmail-resolve", daemon=True).start()
    while True:
        try:
            wait = deadline.slice()
        except DeadlineExceeded:
            hint = hints.dns_not_answering()
            raise ProbeFailure(
                f"The name {shown} could not be resolved in time: the DNS server does not answer.",
                hint.text,
                hint.field,
            ) from None
        if done.wait(timeout=wait):
            break
    error = result.get("error")
    if error is not None:
        code = getattr(error, "errno", None)
        if code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
            hint = hints.host_not_found(host, typed)
            raise ProbeFailure(
                f"Host not found: {shown} has no address in DNS.",
                hint.text,
                hint.field,
                summary=plain.name_not_found(shown),
            )
        if code == socket.EAI_AGAIN:
            hint = hints.dns_not_answering(temporary=True)
            raise ProbeFailure(
                f"The name {shown} could not be resolved: the DNS server did not answer (temporary failure).",
                hint.text,
                hint.field,
            )
        raise ProbeFailure(f"The name {shown} could not be resolved: {error}.", "", "server")
    seen: list[Address] = []
    for info in result.get("infos", []):
        entry = (info[0], info[4])
        if entry not in seen:
            seen.append(entry)
    return seen


def describe(addresses: list[Address]) -> str:
    return ", ".join(str(sockaddr[0]) for _family, sockaddr in addresses)


def connect(
    addresses: list[Address], host: str, port: int, deadline: Deadline, usual_ports: str = hints.SMTP_USUAL_PORTS
) -> socket.socket:
    """Try each address in turn, sharing the remaining time fairly between them.

    ``usual_ports``: what a refused connection's hint suggests (a MAPI server's ports are not SMTP's).
    """
    errors: list[tuple[str, int | None]] = []
    for index, (family, sockaddr) in enumerate(addresses):
        left = len(addresses) - index
        budget = deadline.remaining() / left if left > 1 else deadline.remaining()
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            _connect_one(sock, sockaddr, deadline, budget)
        except _AttemptTimedOut:
            sock.close()
            errors.append((f"{sockaddr[0]}: timed out", errno.ETIMEDOUT))
            continue
        except OSError as exc:
            sock.close()
            errors.append((f"{sockaddr[0]}: {exc.strerror or exc}", exc.errno))
            continue
        except BaseException:
            sock.close()
            raise
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    codes = {code for _text, code in errors}
    detail = "; ".join(text for text, _code in errors)
    if codes == {errno.ECONNREFUSED}:
        hint = hints.connection_refused(host, port, usual_ports)
        raise ProbeFailure(
            f"Connection refused by {host} port {port} ({detail}).",
            hint.text,
            hint.field,
            summary=plain.connection_refused(port),
        )
    if errno.ETIMEDOUT in codes:
        hint = hints.connection_timed_out(host, port)
        raise ProbeFailure(
            f"Connection to {host} port {port} timed out ({detail}).",
            hint.text,
            hint.field,
            summary=plain.no_answer(port),
        )
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH}:
        hint = hints.host_unreachable()
        raise ProbeFailure(
            f"{host} cannot be reached from this workstation ({detail}).",
            hint.text,
            hint.field,
            summary=plain.unreachable(),
        )
    raise ProbeFailure(f"Could not connect to {host} port {port} ({detail}).", "", "port")


class _AttemptTimedOut(Exception):
    pass


def _connect_one(sock: socket.socket, sockaddr: tuple[Any, ...], deadline: Deadline, budget: float) -> None:
    sock.setblocking(False)
    code = sock.connect_ex(sockaddr)
    if code == 0:
        return
    if code not in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
        raise OSError(code, _strerror(code))
    stop = deadline.remaining() - budget
    while True:
        if deadline.remaining() <= stop + 0.0005:
            raise _AttemptTimedOut()
        try:
            wait = deadline.slice()
        except DeadlineExceeded:
            raise _AttemptTimedOut() from None
        _r, writable, failed = select.select([], [sock], [sock], wait)
        if writable or failed:
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, _strerror(err))
            return


def _strerror(code: int) -> str:
    import os

    return os.strerror(code)
