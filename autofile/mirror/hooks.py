"""What higher apps do when a sync changed mirror rows: a small registry of reactions.

The mirror never imports the apps that follow it. Packets (import rules, re-validation)
and the write-back (confirming corrections) register their reactions in their
`AppConfig.ready()`::

    hooks.on_page_synced({"jobs", "invoices"}, packets_mirror_changed)

and the sync announces every page (tenant-wide export and list pages, and the per-job
pages of attachments and form submissions fetched for packets) that inserted or changed
rows, inside the page's transaction: a reaction's writes commit or roll back with the
rows, and what it queues for workers it queues on commit. When the documents of a set of
jobs have all been fetched (one job's page after another), `documents_fetched` says so
once, for reactions that would rather act once for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from autofile.mirror.models import Connection

#: A reaction: the connection, the resource's name and the pks of the rows the page
#: inserted or changed.
PageReaction = Callable[[Connection, str, list[int]], None]

#: A reaction to fetched documents: the connection and the mirror pks of the jobs.
DocumentsReaction = Callable[[Connection, list[int]], None]

_reactions: list[tuple[frozenset[str], PageReaction]] = []
_document_reactions: list[DocumentsReaction] = []


def on_page_synced(resources: Iterable[str], reaction: PageReaction) -> None:
    """Call `reaction` after every synced page of these resources (registering the same
    reaction again, as a second `ready()` in tests would, changes nothing)."""
    names = frozenset(resources)
    if (names, reaction) not in _reactions:
        _reactions.append((names, reaction))


def followed(resource: str) -> bool:
    """Whether anything reacts to pages of this resource (the sync skips the call if not)."""
    return any(resource in names for names, _ in _reactions)


def page_synced(connection: Connection, resource: str, ids: list[int]) -> None:
    """Announce a page of `resource` that inserted or changed these rows, to every reaction
    registered for it, in the order they registered. Call inside the page's transaction."""
    if not ids:
        return
    for names, reaction in _reactions:
        if resource in names:
            reaction(connection, resource, ids)


def on_documents_fetched(reaction: DocumentsReaction) -> None:
    """Call `reaction` once the attachments and form submissions of a set of jobs were
    fetched (and the attachments' files downloaded)."""
    if reaction not in _document_reactions:
        _document_reactions.append(reaction)


def documents_fetched(connection: Connection, job_ids: list[int]) -> None:
    """Announce that the documents of these jobs (mirror pks) are in."""
    if not job_ids:
        return
    for reaction in _document_reactions:
        reaction(connection, job_ids)
