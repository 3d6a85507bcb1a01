"""The referral as a PDF (WeasyPrint, Danish, tagged PDF/A): the employer's filled template under the
job centre's name, nothing else."""

from django.template.loader import render_to_string
from django.utils.translation import override

from ..archival import SENDER_CSS, archival_pdf
from ..identity import logo_data_uri, sender
from ..models import Referral


def referral_pdf(referral: Referral) -> bytes:
    current = sender()
    with override("da"):
        html = render_to_string("cases/fasttrack/referral_pdf.html", {
            "r": referral, "sender": current, "logo": logo_data_uri(current.logo), "sender_css": SENDER_CSS,
        })
    return archival_pdf(html=html)
