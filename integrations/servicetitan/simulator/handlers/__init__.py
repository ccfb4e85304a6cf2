"""Operation handlers, keyed by ``(module, operationId)``.

Importing this package registers every write handler (``@handler`` in the domain modules);
read handlers are built per tenant by :func:`reads.register_reads` because their index hints
use the tenant's layouts. Operations documented in the specs without a handler answer 501.
"""

from integrations.servicetitan.simulator.handlers import (  # noqa: F401 - registration
    accounting,
    catalogs,
    crm,
    documents,
    jpm,
    reads,
)
from integrations.servicetitan.simulator.handlers.base import (
    Call,
    Context,
    Handler,
    Uploads,
    registry,
)
from integrations.servicetitan.simulator.handlers.reads import register_reads

__all__ = ["Call", "Context", "Handler", "Uploads", "register_reads", "registry"]
