"""Rebate programs, the import rules that feed them, and the packets they produce."""

from autofile.packets.models.certified import CertifiedProduct, model_key
from autofile.packets.models.locations import UtilityAccount
from autofile.packets.models.packets import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Finding,
    Packet,
    PacketDocument,
    PacketEvent,
    PacketStatus,
)
from autofile.packets.models.programs import (
    EligibilityCheck,
    IncomeTier,
    KickbackReason,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
    Severity,
)
from autofile.packets.models.rules import ImportRule

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "CertifiedProduct",
    "EligibilityCheck",
    "Finding",
    "ImportRule",
    "IncomeTier",
    "KickbackReason",
    "Packet",
    "PacketDocument",
    "PacketEvent",
    "PacketStatus",
    "ProgramMeasure",
    "ProgramRequirement",
    "RebateProgram",
    "Severity",
    "UtilityAccount",
    "model_key",
]
