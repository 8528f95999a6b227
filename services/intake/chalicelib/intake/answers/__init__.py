"""The JSON answers of the intake API, each defined once: the route handlers build them from the
domain (``XOut.of(...)``), and the same classes document them in OpenAPI (a route says
``response=XOut``; motcua_shared.openapi reads them through pydantic when the document is asked
for). Plain dataclasses, so that serving a GET loads no pydantic (tests/unit/test_cold_start.py).

- dossier: a dossier as its owner and the officers see it, a page of dossiers
- public: a dossier's public progress, a result's authenticity
- catalog: procedures, the working calendar
- files: presigned uploads and links of documents and results
- figures: the overdue list, the statistics
"""

from chalicelib.intake.answers.catalog import (
    CalendarDayOut,
    CalendarYearOut,
    FormFieldOut,
    ProcedureDocumentOut,
    ProcedureListOut,
    ProcedureOut,
    ProcedureStepOut,
    TimeLimitOut,
)
from chalicelib.intake.answers.dossier import (
    AllowedAction,
    ApplicantOut,
    DossierAttachmentOut,
    DossierListOut,
    DossierOut,
    ExtensionOut,
    FeePaymentOut,
    FormValue,
    HandoffOut,
    HistoryEntryOut,
    RatingOut,
    ResultOut,
    SupplementItemOut,
    SupplementRequestOut,
)
from chalicelib.intake.answers.figures import (
    FiguresOut,
    OfficerFiguresOut,
    OverdueListOut,
    OverdueOut,
    StatisticsOut,
    UnitFiguresOut,
)
from chalicelib.intake.answers.files import (
    AttachmentDownloadOut,
    AttachmentUploadOut,
    ResultDownloadOut,
    ResultUploadOut,
)
from chalicelib.intake.answers.public import TrackingOut, TrackingStepOut, VerificationOut

__all__ = [
    "AllowedAction",
    "ApplicantOut",
    "AttachmentDownloadOut",
    "AttachmentUploadOut",
    "CalendarDayOut",
    "CalendarYearOut",
    "DossierAttachmentOut",
    "DossierListOut",
    "DossierOut",
    "ExtensionOut",
    "FeePaymentOut",
    "FiguresOut",
    "FormFieldOut",
    "FormValue",
    "HandoffOut",
    "HistoryEntryOut",
    "OfficerFiguresOut",
    "OverdueListOut",
    "OverdueOut",
    "ProcedureDocumentOut",
    "ProcedureListOut",
    "ProcedureOut",
    "ProcedureStepOut",
    "RatingOut",
    "ResultDownloadOut",
    "ResultOut",
    "ResultUploadOut",
    "StatisticsOut",
    "SupplementItemOut",
    "SupplementRequestOut",
    "TimeLimitOut",
    "TrackingOut",
    "TrackingStepOut",
    "UnitFiguresOut",
    "VerificationOut",
]
