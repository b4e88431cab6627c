"""The clients app's models, one capability each (this module is only an index for Django)."""

from clients.caseload.models import CaseloadAssignment, CaseloadOrder, Client, Stage
from clients.consent.models import ConsentRevocation, ConsentSignature, ConsentTemplate, ConsentTemplateVersion
from clients.demographics.models import DemographicAnswers
from clients.export.models import RecordsExport, RecordsExportFile
from clients.intake.models import IntakeVersion
from clients.search.models import ClientSearch

__all__ = [
    "CaseloadAssignment", "CaseloadOrder", "Client", "ClientSearch", "ConsentRevocation", "ConsentSignature", "ConsentTemplate",
    "ConsentTemplateVersion", "DemographicAnswers", "IntakeVersion", "RecordsExport", "RecordsExportFile", "Stage",
]
