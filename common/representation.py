"""Output serializers' answers without building the serializer on every request: same JSON, a fifth of the time.

DRF builds a ModelSerializer's fields afresh for every instance of the serializer (model
introspection, a Field per column, for every nested serializer), and on every value of every
row walks `_readable_fields`, `Field.get_attribute` and `inspect.signature` (for `source`s
that are methods, such as `Visit.is_expired`). Measured on the benchmarks' small set
(`python -m bench.profile … "API visit list"`, 20 visits a page): building the fields was
~8 ms of a 50 ms profiled request, and the rows another ~22 ms.

`represent(OutputClass, data, many=…)` answers exactly what `OutputClass(data, many=…).data`
does, from a plan made once per class: each readable field's name, how to read its value,
and the field's own `to_representation` (so every format, time zone and choice is DRF's),
except for the commonest values of texts, numbers, booleans, dates and times, which `_quick`
converts as DRF would without its per-value checks (common/tests/test_representation_values.py
holds both to the same answer for any value). A page of 20 visits: 5.4–7.2 → 2.4–3.0 ms.
What it reads is what DRF reads, with DRF's rules: a related row that does not exist is
None; a missing attribute falls back to the field's own `get_attribute` (its default, None
or skipping the field); a value None is None. A class is planned only when every field in
it is of a kind listed in `_PLAIN` (whose representation depends on nothing but the value),
a primary key, or a nested serializer planned the same way; any other kind (a method field,
a hyperlink, a custom `to_representation`) makes the class answer through DRF as before.
The fields are bound to one serializer made without a request: a field whose reading needs
the request must not be used in an output serializer (none is).

tests/test_representation.py compares both answers for every output serializer the API uses.
"""

import contextvars
import datetime
import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.settings import api_settings

# Fields whose to_representation reads only the value and the field's own options.
_PLAIN = {
    fields.BigIntegerField,  # type: ignore[attr-defined]  # DRF 3.16's, not yet in its stubs
    fields.BooleanField,
    fields.CharField,
    fields.ChoiceField,
    fields.DateField,
    fields.DateTimeField,
    fields.DecimalField,
    fields.EmailField,
    fields.FloatField,
    fields.IntegerField,
    fields.IPAddressField,
    fields.JSONField,
    fields.ReadOnlyField,
    fields.TimeField,
    fields.UUIDField,
}
_UNPLANNABLE = object()
_plans: dict[type, Any] = {}
_simple: dict[Any, bool] = {}


# The time zone DRF's DateTimeField would look up for every value (through asgiref's Local, ~4 µs
# each: 180 times for a page of 20 visits), looked up once per answer.
_zone: contextvars.ContextVar[datetime.tzinfo | None] = contextvars.ContextVar("representation_zone", default=None)


def represent(output_class: type[serializers.BaseSerializer], data, *, many: bool = False, context=None):
    """`output_class(data, many=many, context=context).data`, from the class's plan when it has one."""
    plan = _plan_of(output_class)
    if plan is _UNPLANNABLE:
        return output_class(data, many=many, context=context or {}).data
    zone = _zone.set(timezone.get_current_timezone() if settings.USE_TZ else None)
    try:
        if many:
            return [plan(item) for item in (data.all() if isinstance(data, models.manager.BaseManager) else data)]
        return plan(data)
    finally:
        _zone.reset(zone)


def _plan_of(output_class: type) -> Any:
    if output_class not in _plans:
        _plans[output_class] = _plan(output_class(context={})) or _UNPLANNABLE
    return _plans[output_class]


def _plan(serializer: serializers.Serializer) -> Callable[[Any], dict] | None:
    """A function of an instance giving the serializer's representation, or None if a field cannot be planned."""
    if not isinstance(serializer, serializers.Serializer) or (
        type(serializer).to_representation is not serializers.Serializer.to_representation
    ):
        return None
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    steps = []  # (name, the model column's attribute or None, how to read it otherwise, how to represent it)
    for field in serializer._readable_fields:
        represent_value = _value_plan(field)
        if represent_value is None:
            return None
        # A field that reads its value its own way (a primary key, a list of prefetched items) keeps its way.
        read = _reader(field) if type(field).get_attribute is fields.Field.get_attribute else field.get_attribute
        column = _column(model, field)
        # A foreign key's id read from its column is the answer itself (DRF's PKOnlyObject's pk): the
        # pharmacy's 8 pending records, ~120 ids, 2.35 → 1.69 ms to represent (best of 10 rounds).
        steps.append((field.field_name, column, read, _same if column and _is_plain_key(field) else represent_value))

    def plan(instance) -> dict:
        # A model's own column is read as an attribute: it can be neither missing, nor a callable, nor a
        # related row that does not exist (20 visits: 1,000 values read, ~40 % of the answer's time).
        columns = isinstance(instance, models.Model)
        answer = {}
        for name, column, read, represent_value in steps:
            if column and columns:
                value = getattr(instance, column)
            else:
                try:
                    value = read(instance)
                except fields.SkipField:
                    continue
                if isinstance(value, relations.PKOnlyObject):
                    answer[name] = None if value.pk is None else represent_value(value)
                    continue
            answer[name] = None if value is None else represent_value(value)
        return answer

    return plan


def _column(model: type[models.Model] | None, field) -> str | None:
    """The attribute when `field` reads a plain column of `model` with DRF's reading, else None: a
    non-relation column by its name, or a foreign key's id column for a PrimaryKeyRelatedField (DRF
    reads the same id, `serializable_value`, and answers it as it is)."""
    if model is None or len(field.source_attrs) != 1:
        return None
    try:
        column = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None  # a property or a method
    if not isinstance(column, models.Field):
        return None  # a reverse relation
    if _is_plain_key(field):
        return column.attname if isinstance(column, models.ForeignKey) else None
    if type(field).get_attribute is not fields.Field.get_attribute or column.is_relation:
        return None
    return column.attname if field.source_attrs[0] == column.attname else None


def _is_plain_key(field) -> bool:
    return type(field) is relations.PrimaryKeyRelatedField and field.pk_field is None


def _same(value):
    return value


def _value_plan(field) -> Callable[[Any], Any] | None:
    if isinstance(field, serializers.ListSerializer):
        if type(field).to_representation is not serializers.ListSerializer.to_representation:
            return None
        child = _plan(field.child)  # type: ignore[arg-type]  # a ListSerializer's child is a serializer
        if child is None:
            return None
        return lambda items: [
            child(item) for item in (items.all() if isinstance(items, models.manager.BaseManager) else items)
        ]
    if isinstance(field, serializers.Serializer):
        return _plan(field)
    if type(field) is relations.PrimaryKeyRelatedField and field.pk_field is None:
        return field.to_representation
    if type(field) in _PLAIN:
        return _quick(field) or field.to_representation
    return None


def _quick(field) -> Callable[[Any], Any] | None:
    """The field's to_representation for its common values, the same answer without DRF's checks; None: DRF's own.

    A page of 20 visits represents ~180 times and ~500 texts and numbers; DRF's checks for each
    (the format setting, the time zone lookup, `in` on its sets of true and false spellings) were
    most of the answer's time. Any value outside the common case goes to DRF's method.
    """
    drf = field.to_representation
    kind = type(field)
    if kind in (fields.CharField, fields.EmailField):
        return str
    if kind is fields.IntegerField:
        return int
    if kind is fields.BooleanField:
        return lambda value: value if value is True or value is False else drf(value)
    if kind is fields.DateTimeField and _iso(field, api_settings.DATETIME_FORMAT) and not hasattr(field, "timezone"):

        def iso_datetime(value):
            zone = _zone.get()
            if type(value) is not datetime.datetime or value.tzinfo is None or zone is None:
                return drf(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return drf(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return iso_datetime
    if kind is fields.DateField and _iso(field, api_settings.DATE_FORMAT):
        return lambda value: value.isoformat() if type(value) is datetime.date else drf(value)
    return None


def _iso(field, default_format) -> bool:
    output_format = getattr(field, "format", default_format)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _reader(field) -> Callable[[Any], Any]:
    """`field.get_attribute` (rest_framework.fields.get_attribute), with the callable check remembered per function."""
    attrs = field.source_attrs

    def read(instance):
        value = instance
        try:
            for attr in attrs:
                try:
                    value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
                except ObjectDoesNotExist:
                    return None
                if callable(value) and _is_simple_callable(value):
                    value = value()
        except (KeyError, AttributeError):
            return field.get_attribute(instance)  # DRF's answer: the default, None, or skip the field
        return value

    return read


def _is_simple_callable(value) -> bool:
    """fields.is_simple_callable, whose inspect.signature is the slow part, remembered per function."""
    if isinstance(value, functools.partial) or not (inspect.isfunction(value) or inspect.ismethod(value)):
        return fields.is_simple_callable(value)
    key = getattr(value, "__func__", value)
    if key not in _simple:
        _simple[key] = fields.is_simple_callable(value)
    return _simple[key]
