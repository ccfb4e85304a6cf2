"""Forms of the import rule and rebate program pages.

Choices come from the tenant's mirror (tag types, SKUs, business units, job types) with
their ServiceTitan names; a rule keeps ids that left the mirror, labelled as such, so
editing a rule never drops a criterion silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseFormSet, formset_factory
from django.forms.utils import pretty_name

from autofile.accounts.models import Organization
from autofile.core.forms import Form, add_errors, safe_int
from autofile.packets import services
from autofile.packets.models import (
    EligibilityCheck,
    ImportRule,
    IncomeTier,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
    Severity,
)
from autofile.packets.models.programs import (
    DEFAULT_DOCUMENT_NAME_PATTERN,
    validate_document_name_pattern,
)
from autofile.packets.selectors import program_choices
from autofile.packets.selectors.rules import RuleOptions
from autofile.packets.services.programs import PROGRAM_FIELDS, RULE_FIELDS
from autofile.packets.services.rules import CRITERIA

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

Choices = list[tuple[Any, Any]]


def _with_missing(choices: Choices, kept: list[Any], what: str) -> Choices:
    """`choices` plus the ids a saved rule holds that are no longer mirrored."""
    known: set[Any] = set()
    for value, label in choices:
        if isinstance(label, list | tuple):
            known.update(v for v, _ in label)
        else:
            known.add(value)
    missing = [(value, f"{what} {value} (no longer in ServiceTitan)") for value in kept]
    return choices + [item for item in missing if item[0] not in known]


class RuleForm(Form):
    """An import rule: its name, program and the criteria jobs must meet."""

    name = forms.CharField(max_length=200)
    program = forms.ModelChoiceField(
        queryset=RebateProgram.objects.none(), help_text="Where the rule's packets are filed"
    )
    tag_type_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Job tags",
        widget=forms.CheckboxSelectMultiple,
    )
    tag_match = forms.ChoiceField(
        choices=ImportRule.TagMatch.choices,
        initial=ImportRule.TagMatch.ANY,
        widget=forms.RadioSelect,
        label="A job needs",
    )
    excluded_tag_type_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Leave out jobs tagged",
        widget=forms.CheckboxSelectMultiple,
    )
    sku_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Pricebook SKUs",
        help_text=(
            "An invoice item or an item of a sold estimate is one of these. "
            "Hold Ctrl (⌘ on a Mac) to pick several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    business_unit_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Business units", widget=forms.CheckboxSelectMultiple
    )
    job_type_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Job types", widget=forms.CheckboxSelectMultiple
    )
    job_statuses = forms.MultipleChoiceField(
        required=False,
        label="Job status",
        help_text="None ticked: any status.",
        widget=forms.CheckboxSelectMultiple,
    )
    completed_from = forms.DateField(required=False, widget=DATE, label="Completed on or after")
    completed_to = forms.DateField(required=False, widget=DATE, label="Completed on or before")
    completed_within_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Or: completed in the last N days"
    )

    CRITERIA = CRITERIA  # a field per criterion the rule services take

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        options: RuleOptions,
        rule: ImportRule | None = None,
        preview: bool = False,
        **kwargs: Any,
    ) -> None:
        if rule is not None:
            initial = {name: getattr(rule, name) for name in self.CRITERIA}
            initial.update(name=rule.name, program=rule.program_id)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["program"].queryset = program_choices(organization=organization)  # type: ignore[attr-defined]

        def kept(name: str) -> list[Any]:
            return list(getattr(rule, name)) if rule is not None else []

        fields = self.fields
        fields["tag_type_ids"].choices = _with_missing(  # type: ignore[attr-defined]
            list(options.tag_types), kept("tag_type_ids"), "Tag type"
        )
        fields["excluded_tag_type_ids"].choices = _with_missing(  # type: ignore[attr-defined]
            list(options.tag_types), kept("excluded_tag_type_ids"), "Tag type"
        )
        fields["sku_ids"].choices = _with_missing(  # type: ignore[attr-defined]
            [(group, list(items)) for group, items in options.skus if items],
            kept("sku_ids"),
            "SKU",
        )
        fields["business_unit_ids"].choices = _with_missing(  # type: ignore[attr-defined]
            list(options.business_units), kept("business_unit_ids"), "Business unit"
        )
        fields["job_type_ids"].choices = _with_missing(  # type: ignore[attr-defined]
            list(options.job_types), kept("job_type_ids"), "Job type"
        )
        fields["job_statuses"].choices = _with_missing(  # type: ignore[attr-defined]
            list(options.job_statuses), kept("job_statuses"), "Status"
        )
        if preview:  # a preview needs only the criteria
            fields["name"].required = False
            fields["program"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            data.get(name)
            for name in ("tag_type_ids", "sku_ids", "business_unit_ids", "job_type_ids")
        ):
            raise forms.ValidationError(
                "Say which jobs to import: pick tags, SKUs, business units or job types."
            )
        return data

    @property
    def criteria(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.CRITERIA} | {
            "tag_match": self.cleaned_data.get("tag_match") or ImportRule.TagMatch.ANY
        }

    def criterion_groups(self) -> list[tuple[str, list[Any]]]:
        """The fields, grouped as the page shows them."""
        return [
            ("Rule", [self["name"], self["program"]]),
            ("Tags", [self["tag_type_ids"], self["tag_match"], self["excluded_tag_type_ids"]]),
            ("Invoice and sold estimate", [self["sku_ids"]]),
            ("Where and what", [self["business_unit_ids"], self["job_type_ids"]]),
            (
                "Status and completion",
                [
                    self["job_statuses"],
                    self["completed_from"],
                    self["completed_to"],
                    self["completed_within_days"],
                ],
            ),
        ]


class PreviewWindowForm(Form):
    """The completion window a preview looks at (empty: the whole history)."""

    completed_from = forms.DateField(required=False, widget=DATE, label="Completed from")
    completed_to = forms.DateField(required=False, widget=DATE, label="Completed to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("completed_from"), data.get("completed_to")
        if start and end and start > end:
            self.add_error("completed_to", "The window ends before it starts.")
        return data


# --- rebate programs -----------------------------------------------------------------


class ProgramForm(Form):
    name = forms.CharField(max_length=200)
    sponsor = forms.CharField(max_length=200, help_text="Who pays, e.g. Oncor")
    sponsor_type = forms.ChoiceField(choices=RebateProgram.Sponsor.choices, label="Sponsor type")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(
        required=False, widget=DATE, label="Installs from", help_text="Program window start"
    )
    ends_on = forms.DateField(
        required=False, widget=DATE, label="Installs until", help_text="Program window end"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
    # the program's own rules
    submission_deadline_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="File within (days)",
        help_text="Days after the install by which the filing is due; empty: no deadline",
    )
    cap_percent_of_cost = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0.01,
        max_value=100,
        label="Cap (% of project cost)",
        help_text="The incentive may not exceed this percent of the invoice total",
    )
    max_units_per_household = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label="Units per household",
        help_text="At most this many units paid per address, earlier packets included",
    )
    incentive_line_required = forms.BooleanField(
        required=False,
        label="Incentive as its own invoice line",
        help_text="The invoice must show the incentive as a negative line",
    )
    preapproval_required = forms.BooleanField(
        required=False,
        label="Pre-approval before the install",
        help_text="A reservation number, issued before the install and not expired",
    )
    income_tiers = forms.BooleanField(
        required=False,
        label="Amounts by income tier",
        help_text="IRA-style: measures pay a household's income tier",
    )
    contractor_enrollment_number = forms.CharField(
        max_length=100,
        required=False,
        label="Your enrollment number",
        help_text="The contractor's enrollment / participation number with the program",
    )
    contractor_enrollment_expires_on = forms.DateField(
        required=False, widget=DATE, label="Enrollment expires", help_text="When to renew it"
    )
    source = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the rules come from (program manual, web page)",
    )
    document_name_pattern = forms.CharField(
        max_length=200,
        required=False,
        initial=DEFAULT_DOCUMENT_NAME_PATTERN,
        validators=[validate_document_name_pattern],
        label="File names in the ZIP",
        help_text=RebateProgram._meta.get_field("document_name_pattern").help_text,
    )

    FIELDS = PROGRAM_FIELDS
    WIDE = ("description", "source")

    def clean_document_name_pattern(self) -> str:
        return self.cleaned_data.get("document_name_pattern") or DEFAULT_DOCUMENT_NAME_PATTERN

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and start > end:
            self.add_error("ends_on", "The program ends before it starts.")
        if data.get("contractor_enrollment_expires_on") and not data.get(
            "contractor_enrollment_number"
        ):
            self.add_error(
                "contractor_enrollment_number",
                "Give the enrollment number that expires on this date.",
            )
        return data


class RowForm(Form):
    """One row of a program's configuration; `id` is the row's primary key when saved."""

    FIELDS: tuple[str, ...] = ()
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rows show as table rows under one header: each input carries its own name.
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label or pretty_name(name)))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


def _blank_decimal(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(required=False, max_digits=8, decimal_places=2, **kwargs)


class MeasureForm(RowForm):
    FIELDS = (
        "name",
        "equipment_type",
        "sku_ids",
        "rating",
        "minimum",
        "amount",
        "basis",
        "income_tier",
        "max_percent_of_cost",
    )
    name = forms.CharField(max_length=200)
    equipment_type = forms.CharField(max_length=200, required=False, label="Equipment type")
    sku_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Qualifying equipment SKUs",
        help_text="None picked: any unit of the type.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    rating = forms.CharField(max_length=30, required=False, help_text="e.g. SEER2")
    minimum = _blank_decimal(label="Minimum rating")
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, label="Amount ($)")
    basis = forms.ChoiceField(
        choices=ProgramMeasure.Basis.choices, initial=ProgramMeasure.Basis.PER_UNIT
    )
    income_tier = forms.ChoiceField(
        choices=[("", "Any household"), *IncomeTier.choices],
        required=False,
        label="Income tier",
        help_text="Programs paying by income tier",
    )
    max_percent_of_cost = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0.01,
        max_value=100,
        label="At most (% of cost)",
    )

    def __init__(self, *args: Any, sku_choices: Choices = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        kept = list(self.initial.get("sku_ids") or [])
        self.fields["sku_ids"].choices = _with_missing(list(sku_choices), kept, "SKU")  # type: ignore[attr-defined]


class RequirementForm(RowForm):
    FIELDS = ("kind", "label", "pattern", "equipment_type", "min_count", "per_unit", "severity")
    kind = forms.ChoiceField(choices=[("", "— choose —"), *ProgramRequirement.Kind.choices])
    label = forms.CharField(max_length=200, help_text="What the reviewer sees")
    pattern = forms.CharField(
        max_length=200,
        required=False,
        help_text="Documents: names to look for (nameplate-*, *ahri*); custom field: its name",
    )
    equipment_type = forms.CharField(max_length=200, required=False, label="Only units of type")
    min_count = forms.IntegerField(min_value=0, initial=1, label="At least")
    per_unit = forms.BooleanField(required=False, label="For each unit")
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.ERROR)


class CheckForm(RowForm):
    FIELDS = (
        "kind",
        "label",
        "rating",
        "minimum",
        "equipment_type",
        "period_months",
        "count_service_agreements",
        "tolerance",
        "severity",
    )
    kind = forms.ChoiceField(choices=[("", "— choose —"), *EligibilityCheck.Kind.choices])
    label = forms.CharField(max_length=200, required=False)
    rating = forms.CharField(max_length=30, required=False, help_text="Minimum rating: e.g. SEER2")
    minimum = _blank_decimal(label="Minimum")
    equipment_type = forms.CharField(max_length=200, required=False, label="Only units of type")
    period_months = forms.IntegerField(
        required=False, min_value=1, label="Period (months)", help_text="One per address"
    )
    count_service_agreements = forms.BooleanField(
        required=False, label="Service agreements count as filings"
    )
    tolerance = forms.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, initial=0, label="Tolerance ($)"
    )
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.ERROR)


class KickbackReasonForm(RowForm):
    FIELDS = ("code", "label")
    code = forms.CharField(max_length=50, help_text="As the sponsor writes it")
    label = forms.CharField(max_length=200)


if TYPE_CHECKING:
    _FormSet = BaseFormSet[RowForm]
else:  # BaseFormSet is generic only in the type stubs
    _FormSet = BaseFormSet


class RowFormSet(_FormSet):
    """Rows of one kind; a blank extra row is ignored, a ticked "remove" deletes."""

    def rows(self) -> list[tuple[RowForm, bool]]:
        """(form, delete?) of each row that says something."""
        out = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            out.append((form, bool(self.can_delete and form.cleaned_data.get("DELETE"))))
        return out


def _formset(form: type[RowForm]) -> type[RowFormSet]:
    formset = formset_factory(form, formset=RowFormSet, extra=1, can_delete=True)
    return cast(type[RowFormSet], formset)


MeasureFormSet = _formset(MeasureForm)
RequirementFormSet = _formset(RequirementForm)
CheckFormSet = _formset(CheckForm)
KickbackReasonFormSet = _formset(KickbackReasonForm)

#: (prefix, formset class, the program's related name, heading) of the editor's sections.
SECTIONS: tuple[tuple[str, type[RowFormSet], str, str], ...] = (
    ("measures", MeasureFormSet, "measures", "Measures and amounts"),
    ("requirements", RequirementFormSet, "requirements", "Requirements"),
    ("checks", CheckFormSet, "checks", "Eligibility checks"),
    ("kickbacks", KickbackReasonFormSet, "kickback_reasons", "Kickback reasons"),
)


ROW_SERVICES: dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], str]] = {
    "measures": (
        services.measure_create,
        services.measure_update,
        services.measure_delete,
        "measure",
    ),
    "requirements": (
        services.requirement_create,
        services.requirement_update,
        services.requirement_delete,
        "requirement",
    ),
    "checks": (services.check_create, services.check_update, services.check_delete, "check"),
    "kickbacks": (
        services.kickback_reason_create,
        services.kickback_reason_update,
        services.kickback_reason_delete,
        "reason",
    ),
}


class ProgramEditor:
    """A program's form and the formsets of its rows, validated and saved together.

    Saving runs the packets services row by row in one transaction: a refusal of any
    row puts its message on that row and nothing is saved. `add` asks for one more
    blank row in a section (the "Add a row" buttons work without JavaScript).
    """

    def __init__(
        self,
        *,
        organization: Organization,
        program: RebateProgram | None = None,
        data: Any = None,
        add: str = "",
        sku_choices: Choices = (),  # type: ignore[assignment]
    ) -> None:
        self.organization = organization
        self.program = program
        initial = {name: getattr(program, name) for name in ProgramForm.FIELDS} if program else None
        self.form = ProgramForm(data, initial=initial)
        self.sections: list[tuple[str, str, RowFormSet]] = []
        self.existing: dict[str, dict[int, Any]] = {}
        for prefix, formset_class, related, heading in SECTIONS:
            rows = list(getattr(program, related).all()) if program else []
            self.existing[prefix] = {row.pk: row for row in rows}
            initial_rows = [
                {"id": row.pk, **{name: getattr(row, name) for name in formset_class.form.FIELDS}}
                for row in rows
            ]
            bound = data
            if data is not None and add == prefix:
                bound = data.copy()
                total = f"{prefix}-TOTAL_FORMS"
                bound[total] = str(safe_int(bound.get(total)) + 1)
            kwargs: dict[str, Any] = {}
            if prefix == "measures":
                kwargs["form_kwargs"] = {"sku_choices": sku_choices}
            formset = formset_class(bound, initial=initial_rows, prefix=prefix, **kwargs)
            self.sections.append((prefix, heading, formset))

    @property
    def formsets(self) -> list[RowFormSet]:
        return [formset for _, _, formset in self.sections]

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets:
            valid = formset.is_valid() and valid
        return valid

    def save(self) -> RebateProgram | None:
        """Save everything, or nothing and the errors on the forms (returns None)."""
        try:
            with transaction.atomic():
                program = self._save_program()
                failed = program is None
                if program is not None:
                    for prefix, _, formset in self.sections:
                        failed = not self._save_rows(program, prefix, formset) or failed
                if failed:
                    raise _Rollback
        except _Rollback:
            return None
        return program

    def _save_program(self) -> RebateProgram | None:
        data = self.form.cleaned_data
        values: dict[str, Any] = {name: data.get(name) for name in ProgramForm.FIELDS}
        for name in ("description", "source", "contractor_enrollment_number"):
            values[name] = values[name] or ""
        try:
            if self.program is None:
                return services.program_create(
                    organization=self.organization,
                    name=data["name"],
                    sponsor=data["sponsor"],
                    sponsor_type=data["sponsor_type"],
                    description=values["description"],
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    is_active=bool(data.get("is_active")),
                    **{name: values[name] for name in RULE_FIELDS},
                    document_name_pattern=data.get("document_name_pattern") or "",
                )
            changed = {k: v for k, v in values.items() if getattr(self.program, k) != v}
            if changed:
                return services.program_update(program=self.program, **changed)
            return self.program
        except ValidationError as error:
            add_errors(self.form, error)
            return None

    def _save_rows(self, program: RebateProgram, prefix: str, formset: RowFormSet) -> bool:
        create, update, delete, keyword = ROW_SERVICES[prefix]
        ok = True
        for form, remove in formset.rows():
            row_id = form.cleaned_data.get("id")
            row = self.existing[prefix].get(row_id) if row_id else None
            if row_id and row is None:
                form.add_error(None, "This row was removed by someone else; reload the page.")
                ok = False
                continue
            try:
                if remove:
                    if row is not None:
                        delete(**{keyword: row})
                elif row is not None:
                    if form.has_changed():
                        update(**{keyword: row}, **form.values())
                else:
                    create(program=program, **form.values())
            except ValidationError as error:
                add_errors(form, error)
                ok = False
        return ok


class _Rollback(Exception):
    pass
