"""Deterministic generation of a seeded ServiceTitan tenant (see :class:`Tenant`)."""

from integrations.servicetitan.simulator.data.tenant import Tenant

__all__ = ["Tenant"]
