"""A local ServiceTitan: the token endpoint and the v2 API on one origin, for tests, benchmarks
and the demo.

Quick start::

    from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread

    sim = Simulator(SimulatorConfig(seed=1, scale="small"))
    client = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="http://sim")
    aclient = httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.asgi), base_url="http://sim")
    with run_in_thread(sim) as base_url:   # or over real HTTP on an ephemeral port
        ...

Command line: ``python -m integrations.servicetitan.simulator --port 8765 --scale medium``.

Behaviour (ServiceTitan's, as documented in shared/servicetitan/API.md):

* **Routes** come from the OpenAPI documents (``spec.py``); handlers are keyed by
  ``(module, operationId)``. Documented operations without a handler answer 501 with an
  ``ApiErrorResponse``; unknown paths 404; a wrong method 405.
* **Auth**: ``POST /connect/token`` (client credentials, form or HTTP Basic) → bearer tokens
  expiring after ``token_ttl`` s. API calls need the token (``Bearer`` optional) and
  ``ST-App-Key``: missing/expired/unknown token → 401; missing or wrong app key → 401 (what
  ServiceTitan's Azure API Management gateway answers); tenant not the credentials' → 403;
  an operation whose OAuth scope the app was not granted (``scopes``, ``--scopes``) → 403.
* **Rate limit**: ``rate_limit`` requests per second per (app key, tenant), sliding window;
  429 with ``Retry-After`` (whole seconds ≥ 1) and a title ending "… N seconds.".
* **Lists**: ``page``/``pageSize`` (default 50, clamp 5000 or the documented 500),
  ``includeTotal``, ``ids`` (≤ 50), ``active``/``activeState``, created/modified filters
  (OnOrAfter inclusive, Before exclusive), ``sort`` (``+Field``/``-Field``) and the
  resource-specific filters AutoFile uses; ``{page, pageSize, hasMore, totalCount, data}``.
* **Exports**: see ``export.py`` (token format, ``from`` dates, ``includeRecentChanges``).
  Base rows of the big feeds (jobs, appointments, invoices, invoice items, estimates,
  installed equipment) are
  rendered from pre-rendered JSON templates (``data/templates.py``), byte-identical to the
  generic path, which stays in use for everything else.
* **Writes** bump ``modifiedOn`` (strictly increasing UTC, ``Z``); PATCH list fields replace;
  external data ``Replace``/``Merge`` per application GUID; unknown body fields are ignored,
  wrong types and missing required fields answer 400 ``ApiErrorResponse``; unknown ids 404;
  status codes and empty bodies as documented (pricebook 201/204, adjustment invoice = bare id).
* **Faults**: grammar in ``faults.py``; e.g.
  ``--faults "429:0.05x3,500:0.02,html503:0.02,409:0.01,latency:20ms,drop:0.01,"``
  ``"token-expiry:0.01,dup:0.05,malformed:0.01"`` (one string).
  A dropped connection closes the socket over HTTP; in-process the WSGI app raises
  :class:`~integrations.servicetitan.simulator.http.ConnectionDropped`, an
  ``httpx.RemoteProtocolError``, which ``httpx.WSGITransport`` lets propagate to the caller.
* **Control API** under ``/_sim/`` (see ``control.py``), mirrored by methods on
  :class:`Simulator`: ``state``, ``requests``, ``set_faults``, ``reset``, ``tag_job``,
  ``untag_job``, ``edit_customer``, ``complete_job``, ``add_invoice_item``, ``sell_estimate``,
  ``record``.

Data: a deterministic HVAC contractor from ``seed`` (``data/``), generated lazily per record;
``scale`` small ≈ 200 jobs, medium ≈ 5,000, large 100,000 jobs (≈ 3 million records).
Resource keys (``/_sim/state``): customers, customer-contacts, locations, location-contacts,
contacts, contact-methods, leads, bookings, booking-provider-tags, tag-types, business-units,
employees, technicians, user-roles, job-types, job-cancel-reasons, job-canceled-logs,
campaigns, campaign-categories, jobs, appointments, appointment-assignments, arrival-windows,
projects, project-statuses, invoices, invoice-items, payments, payment-types, estimates,
estimate-items, installed-equipment, equipment-types, categories (pricebook), services,
equipment, materials, discounts-and-fees, forms, form-submissions, job-attachments,
service-agreements.
"""

from integrations.servicetitan.simulator.app import Simulator
from integrations.servicetitan.simulator.config import SimulatorConfig
from integrations.servicetitan.simulator.http import ConnectionDropped
from integrations.servicetitan.simulator.server import run_in_thread

__all__ = ["ConnectionDropped", "Simulator", "SimulatorConfig", "run_in_thread"]
