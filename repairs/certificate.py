"""A job's data-erasure certificate: what it states (`certificate_for`), for the HTML page and the PDF alike.

The certificate is the statement of the workshop that holds the job: the wipes it recorded (as the viewer may
see them, `job_history_visible_to`), or its record that the item has no storage. Both faces — the printable
HTML page and the PDF — render the same `Certificate`, in Danish and English side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from core.pdf import Document

from .errors import CertificateNotReady
from .models import DataWipe, NistLevel, RepairJob, WipeResult
from .selectors import job_history_visible_to
from .services import job_wipe_satisfied


@dataclass(frozen=True)
class Certificate:
    job: RepairJob
    wipes: list[DataWipe]
    satisfied: bool
    issued_at: datetime

    @property
    def ready(self) -> bool:
        """Something to certify: a wipe (a destroyed device is one, at NIST level "destroy") or "no storage"."""
        return bool(self.wipes) or self.job.no_storage


def certificate_for(*, job: RepairJob, user: User | AnonymousUser) -> Certificate:
    """What the certificate of `job` states, for `user` (who must be allowed it: `user_may_view_certificate`).
    Reads the prefetched rows of `job_get(detail=True)`."""
    history = job_history_visible_to(job=job, user=user)
    return Certificate(
        job=job,
        wipes=[wipe for wipe in history.data_wipes if wipe.workshop_id == job.workshop_id],
        satisfied=job_wipe_satisfied(job=job),
        issued_at=timezone.now(),
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a PDF, Danish with English beside it as the HTML page has it. Refuses with
    `CertificateNotReady` while there is nothing to certify."""
    if not certificate.ready:
        raise CertificateNotReady()
    job = certificate.job
    local = timezone.localtime
    workshop = job.workshop
    doc = Document(
        title="Sletningscertifikat / Data erasure certificate",
        subtitle=f"Kredsløb · {workshop.name if workshop else '—'}",
        footer=f"Kredsløb · #{job.pk} · NIST SP 800-88 Rev. 1",
        page_label="Side {page} af {pages} / Page {page} of {pages}",
        created=certificate.issued_at,
    )
    facts: list[tuple[str, object]] = [
        ("Værksted / Workshop", workshop.name if workshop else "—"),
    ]
    if workshop is not None and workshop.cvr:
        facts.append(("CVR", workshop.cvr))
    facts += [
        ("Reparationsopgave / Repair job", f"#{job.pk}"),
        ("Kategori / Category", f"{job.category.name_da} / {job.category.name_en}"),
    ]
    if job.brand:
        facts.append(("Mærke / Brand", job.brand))
    facts += [
        ("Udstedt / Issued", local(certificate.issued_at).strftime("%Y-%m-%d %H:%M %Z")),
        ("Metode / Method", "NIST SP 800-88 Rev. 1"),
    ]
    doc.key_values(facts, key_width=62)
    if job.no_storage:
        doc.paragraph(
            "Værkstedet har registreret, at enheden ikke har noget lager. / "
            "The workshop recorded that the item has no storage."
        )
    if certificate.wipes:
        doc.heading("Lagerenheder / Storage devices")
        rows = [
            [
                str(number),
                wipe.serial_number,
                wipe.model,
                f"{wipe.size_gb}",
                _LEVELS.get(str(wipe.nist_level), str(wipe.nist_level)),
                wipe.get_technique_display(),
                wipe.tool,
                wipe.operator.display_name if wipe.operator else "—",
                local(wipe.finished_at).strftime("%Y-%m-%d %H:%M"),
                "Gennemført / Success" if wipe.result == WipeResult.SUCCESS else "Fejlet / Failed",
                "Ja / Yes" if wipe.verified else "Nej / No",
            ]
            for number, wipe in enumerate(certificate.wipes, start=1)
        ]
        doc.table(
            [
                "#",
                "Serienr. / Serial",
                "Model",
                "GB",
                "NIST",
                "Teknik / Technique",
                "Værktøj / Tool",
                "Operatør / Operator",
                "Slut / Finished",
                "Resultat / Result",
                "Verificeret / Verified",
            ],
            rows,
            widths=[0.5, 2.7, 2, 0.8, 1, 1.7, 1.6, 1.5, 1.6, 1.3, 1.2],
            align=["R", "L", "L", "R", "L", "L", "L", "L", "L", "L", "L"],
            size=7,
        )
    if certificate.satisfied:
        doc.paragraph(
            "Alle registrerede lagerenheder er slettet og verificeret. / "
            "Every recorded storage device has been erased and verified."
        )
    else:
        doc.paragraph("Sletningen er IKKE fuldført. / Data erasure is NOT complete.")
    return doc.to_bytes()


_LEVELS: dict[str, str] = {
    NistLevel.CLEAR.value: "Clear",
    NistLevel.PURGE.value: "Purge",
    NistLevel.DESTROY.value: "Destroy",
}
