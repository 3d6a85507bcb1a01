"""Make a token for a sending system and print it once (only its hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

from cases.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for a sending system; the token is printed once and only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The sending system, e.g. 'Lønportalen HR'. Written to the access log.")
        parser.add_argument("--scope", action="append", dest="scopes", required=True,
                            choices=ApiToken.Scope.values, help="Repeat for several scopes.")
        parser.add_argument("--rate-limit", type=int, default=60, help="Calls per minute (default 60).")

    def handle(self, *args, name, scopes, rate_limit, **options):
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(f"A token for {name!r} exists already: revoke it in the admin and use a new name.")
        if rate_limit < 1:
            raise CommandError("The rate limit must be at least 1 call per minute.")
        token, plaintext = ApiToken.issue(name=name, scopes=scopes, rate_limit_per_minute=rate_limit)
        self.stdout.write(f"Token for {token.name} (scopes: {', '.join(token.scopes)}; {rate_limit}/min):")
        self.stdout.write(plaintext)
        self.stdout.write("Copy it now: it is not shown again (only a hash of it is stored).")
