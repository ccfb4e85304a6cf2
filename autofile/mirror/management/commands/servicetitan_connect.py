"""Create or update an organization's ServiceTitan connection and print its id.

    python manage.py servicetitan_connect --organization "Lone Star Comfort Co." \\
        --base-url production --tenant 1234567 --client-id cid.… \\
        --client-secret cs1.… --app-key ak1.…

`--base-url` takes a URL (the simulator, a proxy) or the environment names
`production` and `integration`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection
from autofile.mirror.services import connection_upsert


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organization", required=True, help="organization name")
        parser.add_argument("--base-url", required=True, help="URL, production or integration")
        parser.add_argument("--auth-url", default="", help="token URL (default: base URL)")
        parser.add_argument("--tenant", type=int, required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--app-key", required=True)
        parser.add_argument("--name", default="ServiceTitan")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization = Organization.objects.get(name=options["organization"])
        except Organization.DoesNotExist:
            raise CommandError(f"No organization named {options['organization']!r}") from None
        base_url: str = options["base_url"]
        if base_url in (Connection.Environment.PRODUCTION, Connection.Environment.INTEGRATION):
            environment, base_url = base_url, ""
        elif base_url.startswith(("http://", "https://")):
            environment = Connection.Environment.CUSTOM
        else:
            raise CommandError("--base-url takes a URL, 'production' or 'integration'")
        connection = connection_upsert(
            organization=organization,
            environment=environment,
            base_url=base_url,
            auth_url=options["auth_url"],
            tenant_id=options["tenant"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            app_key=options["app_key"],
            name=options["name"],
        )
        self.stdout.write(str(connection.pk))
