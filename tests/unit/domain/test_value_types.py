"""The project's value types are slotted dataclasses: what the rest of the code relies on them for."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil

import pytest

import outmail_gui
from outmail_gui.domain.settings import Protocol, ServerSettings, new_server
from outmail_gui.probe.auth.base import Credentials
from outmail_gui.probe.report import CertInfo, ProbeReport, Step, StepStatus, TlsInfo
from outmail_gui.probe.request import ProbeRequest, Security


def _project_dataclasses() -> list[type]:
    """Every dataclass declared in the Qt-free part of the package."""
    found: list[type] = []
    for module_info in pkgutil.walk_packages(outmail_gui.__path__, "outmail_gui."):
        if any(part in module_info.name for part in (".ui", ".cli", "__main__")):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_value_type_is_slotted_with_its_annotations_as_written() -> None:
    """Slots keep typos from adding attributes; the store compares field types as source text."""
    found = _project_dataclasses()
    assert len(found) >= 15
    for kind in found:
        assert "__slots__" in vars(kind), kind
        assert all(isinstance(item.type, str) for item in dataclasses.fields(kind)), kind
    assert {f.name: f.type for f in dataclasses.fields(ServerSettings)}["active"] == "bool"


def test_settings_are_immutable_hashable_and_compared_by_value() -> None:
    record = new_server(Protocol.SMTP, name="Head office")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "other"  # type: ignore[misc]
    assert record == dataclasses.replace(record) and {record, dataclasses.replace(record)} == {record}
    with pytest.raises(TypeError, match="unexpected keyword argument 'nmae'"):
        record.with_changes(nmae="typo")


def test_mutable_report_parts_are_unhashable_and_refuse_unknown_attributes() -> None:
    step = Step("EHLO")
    step.status = StepStatus.PASSED
    assert step == Step("EHLO", StepStatus.PASSED)
    assert step != ("EHLO", StepStatus.PASSED)  # type: ignore[comparison-overlap]  # not a tuple
    with pytest.raises(TypeError, match="unhashable"):
        hash(step)
    with pytest.raises(AttributeError):
        step.stauts = StepStatus.FAILED  # type: ignore[attr-defined]


def test_container_defaults_are_made_per_instance() -> None:
    first, second = ProbeReport("h", 25), ProbeReport("h", 25)
    first.steps.append(Step("Resolve"))
    assert second.steps == [] and first.tls == second.tls and first.tls is not second.tls


def test_to_dict_copies_nested_values() -> None:
    tls = TlsInfo("starttls", "TLSv1.3", "X", CertInfo(subject="CN=a", sans=["a"]))
    plain = tls.to_dict()
    assert plain["certificate"]["sans"] == ["a"] and plain["mode"] == "starttls"
    plain["certificate"]["sans"].append("b")
    assert tls.certificate is not None and tls.certificate.sans == ["a"]


def test_pickle_and_copy_round_trip() -> None:
    """Test all hands requests and reports to a child process by pickling them."""
    request = ProbeRequest("h", auth_methods=(), password="pw", security=Security.STARTTLS)
    report = ProbeReport("h", 25, steps=[Step("Resolve", StepStatus.PASSED)])
    for value in (request, report, new_server(Protocol.MAPI, name="m")):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value


@pytest.mark.parametrize("kind", [ProbeRequest, Credentials])
def test_repr_masks_secrets(kind: type[ProbeRequest] | type[Credentials]) -> None:
    value = kind(host="h", login_id="ann", password="hunter2", oauth_token="eyJ.tok")
    text = repr(value)
    assert "hunter2" not in text and "eyJ.tok" not in text
    assert "password='********'" in text and "oauth_token='********'" in text and "login_id='ann'" in text
    empty = repr(kind(host="h", login_id="ann", password=""))
    assert "password=''" in empty  # nothing to hide: shows that no password was given
