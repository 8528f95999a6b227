"""A dossier's form data (tờ khai) checked against its procedure's form fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.intake.domain.catalog import FieldType, FormField, Procedure
from chalicelib.intake.domain.errors import InvalidFormData, MissingFormFields


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_form_data(procedure: Procedure, form_data: dict[str, Any], *, complete: bool) -> None:
    """400 for an item the form does not have or a value of the wrong kind; with ``complete``
    (submission), 422 for required items left empty. A draft may leave any item empty.

    A procedure without form fields takes free-form data, as before forms were catalogued.
    """
    if not procedure.form_fields:
        return
    problems: list[dict[str, str]] = []
    for name, value in form_data.items():
        field = procedure.form_field(name)
        if field is None:
            problems.append(
                {"field": f"form_data.{name}", "message": "the procedure's form has no such item"}
            )
            continue
        if not is_blank(value):
            problem = _value_problem(field, value)
            if problem:
                problems.append({"field": f"form_data.{name}", "message": problem})
    if problems:
        first = problems[0]
        raise InvalidFormData(
            f"Field '{first['field']}' is not valid: {first['message']}.",
            f"Trường '{first['field']}' của tờ khai không hợp lệ.",
            field=first["field"],
            fields=problems,
        )
    if complete:
        empty = [f for f in procedure.form_fields if f.required and is_blank(form_data.get(f.name))]
        if empty:
            raise MissingFormFields(
                missing=[f.name for f in empty], labels=[f.label for f in empty]
            )


def _value_problem(field: FormField, value: Any) -> str | None:
    if field.type in (FieldType.TEXT, FieldType.TEXTAREA):
        if not isinstance(value, str):
            return "must be text"
        if field.max_length is not None and len(value) > field.max_length:
            return f"must be at most {field.max_length} characters"
        return None
    if field.type is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        return None
    if field.type is FieldType.DATE:
        if not isinstance(value, str):
            return "must be a date like 2026-11-23"
        try:
            date.fromisoformat(value)
        except ValueError:
            return "must be a date like 2026-11-23"
        return None
    if value not in field.options:
        return f"must be one of: {', '.join(field.options)}"
    return None
