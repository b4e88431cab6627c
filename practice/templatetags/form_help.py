"""For the error summary at the top of a form: each field with a problem, linked to it."""

from django import template

register = template.Library()


@register.filter
def field_problems(form) -> list[tuple[str, str, str]]:
    """[(the field's id, its label, its first error)] in the order the form shows them."""
    return [(field.id_for_label, field.label, field.errors[0]) for field in form.visible_fields() if field.errors]
