from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotFound


class BatchNotFound(NotFound):
    code = "batch_not_found"
    title = _("Donation batch not found.")


class BatchAlreadyAccepted(DomainError):
    code = "batch_already_accepted"
    title = _("Another workshop has already accepted this batch.")


class BatchWrongStatus(DomainError):
    code = "batch_wrong_status"


class NotBatchParty(NotAllowed):
    code = "not_batch_party"
    title = _("Only the organisation's members or the accepting workshop's members may do that.")


class OrganisationNotVerifiedForBatch(DomainError):
    code = "organisation_not_verified"
    title = _("Only a verified organisation can offer donation batches. A moderator verifies it first.")
