"""Known providers recognised from the domain's MX records (the table is data: providers.json)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from outmail_gui.discovery.lookup import Lookup, LookupProblem, target_text
from outmail_gui.discovery.model import Source, Suggestion
from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.request import Security


@functools.cache
def providers() -> tuple[dict[str, Any], ...]:
    text = resources.files("outmail_gui.discovery").joinpath("providers.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["providers"])


def provider_for(mx_host: str) -> dict[str, Any] | None:
    name = mx_host.lower().rstrip(".")
    for provider in providers():
        if name in provider.get("mx_names", ()) or any(name.endswith(s) for s in provider["mx_suffixes"]):
            return provider
    return None


def provider_suggestions(lookup: Lookup, domain: str, deadline: Deadline) -> tuple[list[Suggestion], list[str], bool]:
    try:
        records = lookup.query(domain, "MX", deadline)
    except LookupProblem as problem:
        return [], [f"MX {domain}: none" if problem.no_data else problem.message], False
    exchanges = [target_text(r.exchange) for r in sorted(records, key=lambda r: r.preference)]
    shown = ", ".join(exchanges[:4]) + (" …" if len(exchanges) > 4 else "")
    for exchange in exchanges:
        provider = provider_for(exchange)
        if provider is None:
            continue
        found = [
            Suggestion(
                server["host"],
                int(server["port"]),
                Security(server["security"]),
                Source.PROVIDER,
                order,
                methods=tuple(provider["methods"]),
                note=provider["note"],
            )
            for order, server in enumerate(provider["servers"])
        ]
        return found, [f"MX {shown}: {provider['name']}"], True
    return [], [f"MX {shown}: not a known provider"], False
