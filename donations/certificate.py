"""The batch certificate as a PDF (`core.pdf`): every device with its data sanitisation (NIST SP 800-88 level,
technique, tool, verified, operator, date) or "no storage" / "destroyed", the totals, the workshop and the
verification code that `/verify/<code>/` confirms. Written in the language active when it is built."""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.pdf import Document
from repairs.models import NistLevel, WipeTechnique

from .models import DonationBatch
from .selectors import Certificate, CertificateRow


def verify_url(batch: DonationBatch) -> str:
    return f"{settings.SITE_URL}/verify/{batch.certificate_code}/"


def certificate_filename(batch: DonationBatch) -> str:
    return f"kredslob-batch-{batch.pk}-certificate.pdf"


def _state(row: CertificateRow) -> str:
    return {
        "wiped": _("Wiped"),
        "no_storage": _("No storage"),
        "destroyed": _("Destroyed"),
        "pending": _("Not yet sanitised"),
    }[row.state]


def _date(value: object) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT") if value else ""  # type: ignore[arg-type]


def certificate_pdf(certificate: Certificate) -> bytes:
    batch = certificate.batch
    workshop = batch.workshop
    doc = Document(
        title=_("Data sanitisation certificate for a donation batch"),
        subtitle=f"{batch.title} — {batch.organisation.name}",
        footer=_("Kredsløb · verification code %(code)s") % {"code": batch.certificate_code},
        page_label=_("Page {page} of {pages}"),
    )
    doc.key_values(
        [
            (_("Donated by"), f"{batch.organisation.name} (CVR {batch.organisation.cvr})"),
            (_("Received by workshop"), f"{workshop.name} (CVR {workshop.cvr})" if workshop else ""),
            (_("Accepted"), _date(batch.accepted_at)),
            (_("Collected"), _date(batch.collected_at)),
            (_("Signed for by"), batch.signed_for_by),
            (_("Received at the workshop"), _date(batch.received_at)),
            (_("Verification code"), batch.certificate_code),
            (_("Verify at"), verify_url(batch)),
        ]
    )
    totals = certificate.totals
    doc.heading(_("Totals"))
    doc.key_values(
        [
            (_("Devices"), totals["devices"]),
            (_("Wiped (NIST SP 800-88 Clear/Purge)"), totals["wiped"]),
            (_("Destroyed"), totals["destroyed"]),
            (_("No storage"), totals["no_storage"]),
            (_("Not yet sanitised"), totals["pending"]),
        ]
    )
    doc.heading(_("Devices"))
    rows = []
    for row in certificate.rows:
        if row.state in ("wiped", "destroyed"):
            rows.append(
                [
                    row.serial_number,
                    row.model,
                    str(NistLevel(row.nist_level).label),
                    str(WipeTechnique(row.technique).label),
                    row.tool,
                    _("Yes") if row.verified else _("No"),
                    row.operator,
                    _date(row.date),
                ]
            )
        else:
            rows.append([row.serial_number, row.model, _state(row), "", "", "", "", ""])
    doc.table(
        [
            _("Serial number"),
            _("Model"),
            _("NIST SP 800-88 level"),
            _("Technique"),
            _("Tool"),
            _("Verified"),
            _("Operator"),
            _("Date"),
        ],
        rows,
        widths=[14, 14, 13, 15, 12, 9, 14, 9],
        size=7.5,
    )
    doc.paragraph(
        _(
            "The workshop recorded each device's sanitisation following NIST SP 800-88 Rev. 1 (Guidelines for Media "
            "Sanitization). Anyone can check that this certificate is genuine at the address above."
        ),
        muted=True,
        size=8.5,
    )
    return doc.to_bytes()
