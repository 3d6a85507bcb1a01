"""Every PDF the system sends (the minutes, the fast-track request) is written the same way: tagged
(a structure tree, so a screen reader reads headings and tables in order) and PDF/A-3b (archivable:
fonts embedded, colour profile, XMP metadata with the <title>). The template supplies `lang="da"` and
the <title>; WeasyPrint carries both into the document's metadata."""

from __future__ import annotations

PDF_VARIANT = "pdf/a-3b"

# The sender block (cases/pdf/_sender.html) in a document's own stylesheet: WeasyPrint has no CSP, and
# one rule set keeps the documents alike.
SENDER_CSS = (
    ".sender { display: flex; gap: 8pt; align-items: flex-start; margin: 0 0 10pt; padding-bottom: 6pt;"
    " border-bottom: 1px solid #adb5bd; font-size: 8.5pt; color: #333; }"
    " .sender p { margin: 0 10pt 0 0; } .sender-logo { max-height: 14mm; max-width: 40mm; }"
    " .sender-name { font-size: 10pt; }"
)


def archival_pdf(*, html: str) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import and only documents need it

    return HTML(string=html, base_url=None).write_pdf(pdf_tags=True, pdf_variant=PDF_VARIANT)
