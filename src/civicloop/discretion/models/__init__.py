"""Models of the discretion app, one module per area (benchmarks, assessments, risks,
proceedings); this package re-exports them so Django and the app see one ``models``."""

from .assessments import AssessmentStage, DiscretionAssessment  # noqa: F401
from .benchmarks import (  # noqa: F401
    Benchmark,
    BenchmarkHistory,
    BenchmarkItem,
    Factor,
    FactorLevel,
    Tier,
)
from .proceedings import (  # noqa: F401
    LOST_OUTCOMES,
    ChallengeKind,
    ChallengeOutcome,
    LegalChallenge,
    LegalChallengeHistory,
)
from .risks import REVIEWED_STATES, RiskFlag, RiskFlagHistory, RiskKind, RiskState  # noqa: F401
