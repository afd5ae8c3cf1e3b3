"""A real DNS server for tests: Debian's dnsmasq on a loopback address and a high port, serving
test zones (SRV, MX, A/AAAA) and nothing else (NXDOMAIN for other names in the zones, no upstream).
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import time
from pathlib import Path

DNSMASQ = "/usr/sbin/dnsmasq"


@dataclasses.dataclass
class Zone:
    """Records to serve. ``srv``: (name, target, port, priority, weight); target None is "." (no service)."""

    domains: list[str] = dataclasses.field(default_factory=list)  # answered locally: NXDOMAIN when unknown
    hosts: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # name -> A/AAAA addresses
    srv: list[tuple[str, str | None, int, int, int]] = dataclasses.field(default_factory=list)
    mx: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)  # (domain, exchange, preference)

    def config_lines(self) -> list[str]:
        lines = [f"local=/{domain}/" for domain in self.domains]
        lines += [f"host-record={name},{','.join(addresses)}" for name, addresses in self.hosts.items()]
        for name, target, port, priority, weight in self.srv:
            lines.append(f"srv-host={name},{target},{port},{priority},{weight}" if target else f"srv-host={name}")
        lines += [f"mx-host={domain},{exchange},{preference}" for domain, exchange, preference in self.mx]
        return lines


@dataclasses.dataclass
class DnsServer:
    address: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def spec(self) -> str:
        """As ``--dns-server`` takes it."""
        return f"{self.address}:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def available() -> str:
    """Why dnsmasq cannot run here, or ""."""
    return "" if Path(DNSMASQ).exists() else f"{DNSMASQ} is not installed (scripts/setup.sh test installs dnsmasq-base)"


def free_udp_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def start(directory: Path, address: str, zone: Zone) -> DnsServer:
    """dnsmasq in the foreground on ``address``:<free port>, answering only from ``zone``."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_udp_port(address)
    config = directory / "dnsmasq.conf"
    config.write_text(
        "\n".join(
            [
                f"listen-address={address}",
                f"port={port}",
                "bind-interfaces",
                "no-resolv",
                "no-hosts",
                "no-poll",
                "user=root",
                "log-queries",
                *zone.config_lines(),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    log = directory / "dnsmasq.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [DNSMASQ, "--keep-in-foreground", f"--conf-file={config}", "--pid-file=", "--log-facility=-"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = DnsServer(address, port, process, log)
    _wait_ready(server)
    return server


def _wait_ready(server: DnsServer) -> None:
    """Until dnsmasq answers a query (it binds at once; a few tries cover a loaded machine)."""
    import dns.exception
    import dns.message
    import dns.query

    query = dns.message.make_query("ready.invalid", "A")
    for _ in range(50):
        if server.process.poll() is not None:
            raise RuntimeError(f"dnsmasq exited: {server.log.read_text(errors='replace')[-500:]}")
        try:
            dns.query.udp(query, server.address, port=server.port, timeout=0.2)
            return
        except (OSError, dns.exception.Timeout):
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"dnsmasq did not answer on {server.spec}")
