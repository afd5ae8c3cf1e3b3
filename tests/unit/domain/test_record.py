"""The engine's records behave as the dataclasses they replace (construction, equality, copies)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from outmail_gui.domain.record import Record, as_dict, field, field_names, field_types, replace
from outmail_gui.probe.report import CertInfo, ProbeReport, Step, StepStatus, TlsInfo
from outmail_gui.probe.request import ProbeRequest, Security


class Point(Record, frozen=True):
    """A frozen record with a default."""

    x: int
    y: int = 0
    label: ClassVar[str] = "point"  # a class variable, not a field


class Bag(Record):
    """A mutable record with a default made per instance."""

    name: str
    items: list[str] = field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class DataPoint:
    """The dataclass a frozen record stands in for."""

    x: int
    y: int = 0


def test_fields_are_the_annotations_in_order_without_class_variables() -> None:
    assert field_names(Point) == ("x", "y")
    assert field_names(Point(1)) == ("x", "y")
    assert field_names(ProbeRequest) == tuple(f.name for f in dataclasses.fields(_request_as_dataclass()))
    assert Point.label == "point"


def test_construction_matches_a_dataclass() -> None:
    for args, kwargs in [((1,), {}), ((1, 2), {}), ((), {"x": 1, "y": 2}), ((1,), {"y": 5})]:
        assert (Point(*args, **kwargs).x, Point(*args, **kwargs).y) == (
            DataPoint(*args, **kwargs).x,
            DataPoint(*args, **kwargs).y,
        )
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing required argument 'x'"),
        ((1, 2, 3), {}, "takes 2 positional arguments but 3 were given"),
        ((1,), {"x": 2}, "got multiple values for argument 'x'"),
        ((1,), {"z": 2}, "got an unexpected keyword argument 'z'"),
    ],
)
def test_bad_arguments_raise_type_error(args: tuple[int, ...], kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)


def test_a_field_without_default_after_one_with_default_is_refused() -> None:
    with pytest.raises(TypeError, match="'b' without a default follows one with a default"):

        class Broken(Record):
            a: int = 0
            b: int  # type: ignore[misc]  # mypy refuses it too


def test_defaults_from_a_factory_are_made_per_instance() -> None:
    first, second = Bag("a"), Bag("b")
    first.items.append("x")
    assert second.items == [] and first.items == ["x"]
    assert ProbeReport("h", 25).steps is not ProbeReport("h", 25).steps
    assert ProbeReport("h", 25).tls == TlsInfo() and ProbeReport("h", 25).tls is not ProbeReport("h", 25).tls


def test_frozen_records_are_immutable_and_hashable() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="Point is frozen"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Point is frozen"):
        del point.y
    assert hash(point) == hash(Point(1, 2)) and {point, Point(1, 2)} == {point}
    assert not hasattr(point, "__dict__")  # slotted


def test_mutable_records_compare_by_value_and_are_unhashable() -> None:
    bag = Bag("a")
    bag.name = "b"
    assert bag == Bag("b") and bag != Bag("c") and bag != ("b", [])
    with pytest.raises(TypeError, match="unhashable"):
        hash(bag)
    with pytest.raises(AttributeError):
        bag.nmae = "typo"


def test_replace_copies_with_changes_and_checks_names() -> None:
    request = ProbeRequest("smtp.example.com", port=587, password="pw")
    changed = replace(request, security=Security.STARTTLS)
    assert changed.security is Security.STARTTLS and changed.port == 587 and changed.password == "pw"
    assert request.security is Security.AUTO
    step = Step("EHLO", StepStatus.PASSED, "ok", 1.5)
    assert replace(step) == step and replace(step) is not step
    with pytest.raises(TypeError, match="unexpected keyword argument 'prot'"):
        replace(request, prot=1)


def test_as_dict_converts_nested_records_and_copies_containers() -> None:
    tls = TlsInfo("starttls", "TLSv1.3", "X", CertInfo(subject="CN=a", sans=["a"]))
    plain = as_dict(tls)
    assert plain["certificate"]["sans"] == ["a"] and plain["mode"] == "starttls"
    plain["certificate"]["sans"].append("b")
    assert tls.certificate is not None and tls.certificate.sans == ["a"]
    assert as_dict(CertInfo(subject="CN=a", sans=["a"], days_left=3)) == {
        "subject": "CN=a",
        "sans": ["a"],
        "issuer": "",
        "not_after": "",
        "days_left": 3,
        "sha256": "",
        "verified": False,
        "pinned": False,
        "matches_host": None,
    }


def test_pickle_and_copy_round_trip_frozen_and_mutable_records() -> None:
    request = ProbeRequest("h", auth_methods=(), password="pw")
    report = ProbeReport("h", 25, steps=[Step("Resolve", StepStatus.PASSED)])
    for value in (request, report, Point(1, 2)):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value


def test_repr_masks_secrets() -> None:
    text = repr(ProbeRequest("h", login_id="ann", password="hunter2", oauth_token="eyJ.tok"))
    assert "hunter2" not in text and "eyJ.tok" not in text and "password='********'" in text
    assert "login_id='ann'" in text
    assert "password=''" in repr(ProbeRequest("h"))  # nothing to hide: shows that no password was given


def _request_as_dataclass() -> type:
    """ProbeRequest's fields as a dataclass would list them (annotations in order)."""
    return dataclasses.make_dataclass("R", [(name, object) for name in ProbeRequest.__annotations__])


def test_every_record_of_the_project_has_its_annotations_as_written() -> None:
    import importlib
    import pkgutil

    import outmail_gui

    for module in pkgutil.walk_packages(outmail_gui.__path__, "outmail_gui."):
        if not any(part in module.name for part in (".ui", ".cli", "__main__")):  # Qt-free modules find them all
            importlib.import_module(module.name)
    found = _all_records(Record)
    assert len(found) >= 15
    for record_type in found:
        assert all(isinstance(kind, str) for kind in field_types(record_type).values()), record_type
    assert field_types(Point) == {"x": "int", "y": "int"}


def _all_records(base: type[Record]) -> set[type[Record]]:
    found: set[type[Record]] = set()
    for sub in base.__subclasses__():
        if sub.__module__.startswith("outmail_gui."):
            found.add(sub)
        found |= _all_records(sub)
    return found
