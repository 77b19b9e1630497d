"""Domain errors of the repairs app; `api.exceptions` turns them into problem+json."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotFound


class JobNotFound(NotFound):
    code = "job_not_found"
    title = _("Repair job not found.")


class JobAlreadyClaimed(DomainError):
    code = "job_already_claimed"
    title = _("This job has already been claimed by another workshop.")


class JobWrongStatus(DomainError):
    code = "job_wrong_status"
    title = _("The job is not in a state that allows this.")


class NotJobWorkshopMember(NotAllowed):
    code = "not_job_workshop_member"
    title = _("Only members of the workshop that claimed this job may do that.")


class NotVerifiedMember(NotAllowed):
    code = "not_verified_member"
    title = _("Only members of a verified workshop may do that.")


class DataWipeRequired(DomainError):
    code = "data_wipe_required"
    title = _(
        "This item can hold personal data: record every storage device with a successful, verified wipe "
        "(or record that the item has no storage) first."
    )


class AlreadyPublished(DomainError):
    code = "already_published"
    title = _("The result of this job has already been published.")


class NotPublishable(DomainError):
    code = "not_publishable"
    title = _("Only donated items that were completed as fixed can be published.")


class DonationInRepair(DomainError):
    code = "donation_in_repair"
    title = _(
        "A workshop is already repairing this item, so the donation cannot be withdrawn here. Contact the workshop "
        "to get it back."
    )


class CertificateNotReady(DomainError):
    code = "certificate_not_ready"
    title = _(
        "There is no certificate yet: the workshop has recorded neither a data wipe nor that the item has no storage."
    )


class NotJobDonor(NotAllowed):
    code = "not_job_donor"
    title = _("Only the resident who asked for the repair may answer its quote.")


class NotReturnJob(DomainError):
    code = "not_return_job"
    title = _("Quotes, receipt and hand-back are only for items to be repaired and handed back.")


class QuoteNotAnswerable(DomainError):
    code = "quote_not_answerable"
    title = _("There is no quote waiting for an answer on this job (it may just have been answered).")
