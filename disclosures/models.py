"""The app's models, for Django: each feature defines its own in `<feature>/models.py`.

Import a model from its feature (`from disclosures.finance.models import LedgerMonth`);
this module only gathers them so that Django registers them all under the one app label
`disclosures`, whose tables, permissions and triggers stay where they were. No feature
imports this module.
"""

from disclosures.affairs.models import Cadre, CatalogItem, Disclosure, LivelihoodRow
from disclosures.assets.models import Asset, Contract, Resource
from disclosures.attachments import Attachment
from disclosures.compliance.models import QuarterlyRanking, RankingFormula
from disclosures.finance.models import (
    Category,
    FundingSource,
    Kind,
    LedgerCorrection,
    LedgerEntry,
    LedgerMonth,
    ReceiptPhoto,
    Summary,
)
from disclosures.generated import GeneratedFile
from disclosures.matters.models import MajorMatter, MatterStep
from disclosures.powers.models import PowerItem, PowerStep
from disclosures.publishing import ChainHead, ChainSeal, ReviewEvent, Status
from disclosures.questions.models import Answer, Question, QuestionAttempt, QuestionEvent
from disclosures.sunshine.models import (
    CadreEvaluation,
    SunshineQuestion,
    SunshineReport,
    SunshineTask,
    TaskFollowUp,
)

__all__ = [
    "GeneratedFile",
    "Answer",
    "Asset",
    "Attachment",
    "Cadre",
    "CadreEvaluation",
    "CatalogItem",
    "ChainHead",
    "ChainSeal",
    "Category",
    "Contract",
    "Disclosure",
    "FundingSource",
    "Kind",
    "LedgerCorrection",
    "LedgerEntry",
    "LedgerMonth",
    "LivelihoodRow",
    "MajorMatter",
    "MatterStep",
    "PowerItem",
    "PowerStep",
    "QuarterlyRanking",
    "RankingFormula",
    "Question",
    "QuestionAttempt",
    "QuestionEvent",
    "ReceiptPhoto",
    "Resource",
    "ReviewEvent",
    "Status",
    "Summary",
    "SunshineQuestion",
    "SunshineReport",
    "SunshineTask",
    "TaskFollowUp",
]
