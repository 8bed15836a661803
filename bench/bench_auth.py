"""Authentication: what an API key costs per request, against a trivial endpoint on the same server.

    .venv/bin/python -m bench.bench_auth [--quick] [--record]

One keep-alive client against the app as deployed (SQLite under bench/.cache/auth/). It times
``GET /health`` (plain Django, the reference), ``GET /api`` (the same through django-ninja, no auth)
and ``GET /api/auth/me`` with an ``X-API-Key`` header, an ``Authorization: Bearer`` header and a
session cookie. The API key's overhead is ``/api/auth/me`` with the key minus ``/api``: the key's
SHA-256, its indexed lookup and the user, and the ``last_used`` update (at most once per interval).
"""

from __future__ import annotations

from bench import common
from bench.common import Table, median, ms, percentile, ratio, verdict

DATA = common.CACHE / "auth"


def run(quick: bool) -> list[Table]:
    env = common.app_env(DATA)
    common.django_setup(env)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client as DjangoClient

    from simpoc.models import ApiKey
    from simpoc.services import api_key_create

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-auth")
    ApiKey.objects.filter(user=user).delete()
    key = api_key_create(user=user, name="bench").raw_key
    browser = DjangoClient()
    browser.force_login(user)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    repeat = 100 if quick else 1000
    cases = [
        ("GET /health (reference: plain Django)", "/health", {}),
        ("GET /api (django-ninja, no auth)", "/api", {}),
        ("GET /api/auth/me, X-API-Key", "/api/auth/me", {"X-API-Key": key}),
        ("GET /api/auth/me, Authorization: Bearer", "/api/auth/me", {"Authorization": f"Bearer {key}"}),
        (
            "GET /api/auth/me, session cookie",
            "/api/auth/me",
            {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        ),
    ]
    with common.App(env, migrate=False) as app:
        client = common.Client(app.url)
        # Interleave the cases, so a burst of load from elsewhere hits them all alike.
        samples: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        for _label, path, headers in cases:
            client.get(path, headers)
        for _ in range(repeat):
            for label, path, headers in cases:
                samples[label] += common.timed(lambda p=path, h=headers: client.get(p, h), 1, warmup=0)
        results = {label: (median(v), percentile(v, 99)) for label, v in samples.items()}
    table = Table(
        f"Authentication, 1 keep-alive client, {repeat} requests per case (interleaved)",
        ["request", "p50 ms", "p99 ms", "vs /health (p50)"],
    )
    health = results[cases[0][0]][0]
    for label, (p50, p99) in results.items():
        table.add(label, ms(p50), ms(p99), ratio(p50, health))
    overhead = results[cases[2][0]][0] - results[cases[1][0]][0]
    table.notes.append(
        f"API key overhead per request (X-API-Key minus the unauthenticated ninja endpoint, p50): "
        f"**{overhead:.2f} ms** (target < 2 ms: {verdict(overhead < 2)})."
    )
    return [table]


if __name__ == "__main__":
    common.main(run, __doc__)
