"""Output serializers' answers without building the serializer on every request: same JSON, a fifth of the time.

DRF builds a ModelSerializer's fields afresh for every instance of the serializer (model
introspection, a Field per column, for every nested serializer), and on every value of every
row walks `_readable_fields`, `Field.get_attribute` and `inspect.signature` (for `source`s
that are methods, such as `Visit.is_expired`). Measured on the benchmarks' small set
(`python -m bench.profile … "API visit list"`, 20 visits a page): building the fields was
~8 ms of a 50 ms profiled request, and the rows another ~22 ms.

`represent(OutputClass, data, many=…)` answers exactly what `OutputClass(data, many=…).data`
does, from a plan made once per class: each readable field's name, how to read its value,
and the field's own `to_representation` (so every format, time zone and choice is DRF's).
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

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from rest_framework import fields, relations, serializers

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


def represent(output_class: type[serializers.BaseSerializer], data, *, many: bool = False, context=None):
    """`output_class(data, many=many, context=context).data`, from the class's plan when it has one."""
    plan = _plan_of(output_class)
    if plan is _UNPLANNABLE:
        return output_class(data, many=many, context=context or {}).data
    if many:
        return [plan(item) for item in (data.all() if isinstance(data, models.manager.BaseManager) else data)]
    return plan(data)


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
    steps = []
    for field in serializer._readable_fields:
        represent_value = _value_plan(field)
        if represent_value is None:
            return None
        # A field that reads its value its own way (a primary key, a list of prefetched items) keeps its way.
        read = _reader(field) if type(field).get_attribute is fields.Field.get_attribute else field.get_attribute
        steps.append((field.field_name, read, represent_value))

    def plan(instance) -> dict:
        answer = {}
        for name, read, represent_value in steps:
            try:
                value = read(instance)
            except fields.SkipField:
                continue
            empty = value.pk if isinstance(value, relations.PKOnlyObject) else value
            answer[name] = None if empty is None else represent_value(value)
        return answer

    return plan


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
        return field.to_representation
    return None


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
