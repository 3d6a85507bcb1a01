"""Danish numbers in templates (PDFs, mails): {{ w.hours|da_hours }}, {{ share|da_percent }}."""

from django import template

from ..formatting import da_hours, da_number, da_percent

register = template.Library()
register.filter("da_number", da_number)
register.filter("da_hours", da_hours)
register.filter("da_percent", da_percent)
