"""The referral as a PDF (WeasyPrint, Danish, tagged PDF/A): the employer's filled template under the
job centre's name, nothing else."""

from django.template.loader import render_to_string
from django.utils.translation import override

from ..archival import SENDER_CSS, archival_pdf
from ..identity import legal_texts_from, logo_data_uri, sender_from
from ..models import Organisation, Referral


def referral_pdf(referral: Referral) -> bytes:
    row = Organisation.objects.filter(pk=1).first()
    current = sender_from(row)
    with override("da"):
        html = render_to_string("cases/fasttrack/referral_pdf.html", {
            "r": referral, "sender": current, "logo": logo_data_uri(current.logo), "sender_css": SENDER_CSS,
            "legal": legal_texts_from(row),
        })
    return archival_pdf(html=html)
