"""The referral as a PDF (WeasyPrint, Danish): the employer's filled template, nothing else."""

from django.template.loader import render_to_string
from django.utils.translation import override
from weasyprint import HTML

from ..models import Referral


def referral_pdf(referral: Referral) -> bytes:
    with override("da"):
        html = render_to_string("cases/fasttrack/referral_pdf.html", {"r": referral})
    return HTML(string=html).write_pdf()
