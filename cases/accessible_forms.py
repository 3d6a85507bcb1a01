"""Forms rendered by our own accessible templates (cases/fasttrack/field.html): shared by the public
pages of the fast track and the citizen channel."""


class AccessibleForm:
    """Bootstrap classes, and aria-describedby / aria-invalid that point at the hint and the error of
    each field (ids as in field.html), so a screen reader reads them with the field."""

    def decorate(self):
        for name, field in self.fields.items():
            widget = field.widget
            bound = self[name]
            radio = getattr(widget, "input_type", "") == "radio"
            widget.attrs.setdefault("class", "form-check-input" if radio else "form-control")
            if radio:
                continue
            described = ([f"{bound.auto_id}_hint"] if field.help_text else []) + (
                [f"{bound.auto_id}_error"] if self.is_bound and self.errors.get(name) else [])
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            if self.is_bound and self.errors.get(name):
                widget.attrs["aria-invalid"] = "true"

    def full_clean(self):
        super().full_clean()
        self.decorate()
