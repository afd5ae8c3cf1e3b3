"""Slotted records: the project's value types, without ``dataclasses``.

Start-up time is measured: ``outmail-gui probe`` against swaks, the window against a bare
PySide6 script. ``import dataclasses`` (it loads ``inspect``, ``ast``, ``dis`` and
``tokenize``) plus the methods it compiles for every class (~0.6 ms a class) cost about a
quarter of a probe run and ~8 ms of the window's start. A :class:`Record` subclass declares
its fields like a dataclass: annotated class attributes, in order, with defaults and
:func:`field` factories.
Type checkers treat it as a dataclass (``dataclass_transform``); at run time one shared
``__init__`` fills the slots, so declaring a record compiles no code.

What a record has: keyword or positional construction with defaults, ``__eq__``, ``__repr__``
(secret fields masked), ``frozen=True`` (immutable and hashable), pickling, and the module
functions :func:`replace`, :func:`field_names` and :func:`as_dict`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time of the CLI)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, TypeVar, dataclass_transform

    T = TypeVar("T")
    R = TypeVar("R", bound="Record")
else:

    def dataclass_transform(**_options: object) -> object:
        return lambda cls: cls


MASK = "********"


class _Factory:
    """Marks a default that is made afresh for each record (a list, a dict, another record)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A default made for every record anew, as ``dataclasses.field(default_factory=...)``."""
    return _Factory(default_factory)  # type: ignore[return-value]


class _RecordType(type):
    """Turns the annotated class attributes into slots and remembers their defaults."""

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], *, frozen: bool = False
    ) -> _RecordType:
        own = [key for key in namespace.get("__annotations__", {}) if not _is_class_var(namespace, key)]
        inherited: tuple[str, ...] = ()
        defaults: dict[str, object] = {}
        for base in reversed(bases):
            inherited += tuple(n for n in getattr(base, "__record_fields__", ()) if n not in inherited)
            defaults.update(getattr(base, "__record_defaults__", {}))
        for key in own:
            if key in namespace:
                defaults[key] = namespace.pop(key)
        names = inherited + tuple(key for key in own if key not in inherited)
        seen_default = False
        for key in names:
            if key in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{name}: field {key!r} without a default follows one with a default")
        namespace["__slots__"] = tuple(key for key in own if key not in inherited)
        namespace["__record_fields__"] = names
        namespace["__record_defaults__"] = defaults
        namespace["__record_frozen__"] = frozen or any(getattr(b, "__record_frozen__", False) for b in bases)
        if namespace["__record_frozen__"]:
            namespace.setdefault("__hash__", Record._frozen_hash)
        else:
            namespace.setdefault("__hash__", None)  # mutable and compared by value: unhashable, as a dataclass
        return super().__new__(mcls, name, bases, namespace)


def _is_class_var(namespace: dict[str, Any], key: str) -> bool:
    annotation = namespace["__annotations__"][key]
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


@dataclass_transform(field_specifiers=(field,))
class Record(metaclass=_RecordType):
    """Base of the project's records; subclass it as ``class Name(Record)`` or ``(Record, frozen=True)``."""

    __slots__ = ()
    __record_fields__: ClassVar[tuple[str, ...]]
    __record_defaults__: ClassVar[dict[str, object]]
    __record_frozen__: ClassVar[bool]
    __secret_fields__: ClassVar[frozenset[str]] = frozenset()  # masked in repr()

    def __init__(self, *args: object, **kwargs: object) -> None:
        cls = type(self)
        names = cls.__record_fields__
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} positional arguments but {len(args)} were given")
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
            object.__setattr__(self, name, value)
        defaults = cls.__record_defaults__
        for name in names[len(args) :]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in defaults:
                value = defaults[name]
                if isinstance(value, _Factory):
                    value = value.make()
            else:
                raise TypeError(f"{cls.__name__}() missing required argument {name!r}")
            object.__setattr__(self, name, value)
        if kwargs:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {next(iter(kwargs))!r}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__record_fields__)

    def __setattr__(self, name: str, value: object) -> None:
        if self.__record_frozen__:
            raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self.__record_frozen__:
            raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")
        object.__delattr__(self, name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def _frozen_hash(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        secret = self.__secret_fields__
        shown = (
            f"{name}={MASK!r}" if name in secret and getattr(self, name) else f"{name}={getattr(self, name)!r}"
            for name in self.__record_fields__
        )
        return f"{type(self).__name__}({', '.join(shown)})"

    def __reduce__(self) -> tuple[type[Record], tuple[object, ...]]:
        return (type(self), self._values())


def field_names(record: Record | type[Record]) -> tuple[str, ...]:
    """The fields in declaration order (``[f.name for f in dataclasses.fields(...)]``)."""
    return record.__record_fields__


def replace(record: R, **changes: object) -> R:
    """A copy of ``record`` with ``changes`` applied (``dataclasses.replace``)."""
    values = {name: getattr(record, name) for name in record.__record_fields__}
    values.update(changes)
    return type(record)(**values)


def as_dict(record: Record) -> dict[str, Any]:
    """The fields as a new dict; list and dict values are copied, nested records converted."""
    return {name: _plain(getattr(record, name)) for name in record.__record_fields__}


def _plain(value: object) -> object:
    if isinstance(value, Record):
        return as_dict(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def field_types(record: Record | type[Record]) -> dict[str, str]:
    """Each field's annotation as written, e.g. ``"bool"`` (``dataclasses.Field.type``).

    Modules that declare records postpone their annotations (``from __future__ import
    annotations``), so these are the source texts; a test holds every record to that.
    """
    cls = record if isinstance(record, type) else type(record)
    annotations: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    return {name: annotations[name] for name in cls.__record_fields__}
