"""Locust users for the load run (bench/load/run.py writes LOAD_FIXTURE: nodes, sessions, pages).

No think time: each virtual user clicks as fast as the server answers. Users are spread over the web
nodes round robin, as a load balancer would. Consultants and team leads click through the page mix of
issue 12; HealthzUser alone measures /healthz the same way, for the throughput ratio.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"], encoding="utf-8").read())
NODES: list[str] = FIXTURE["nodes"]
CSRF: str = FIXTURE["csrf"]
CPH = ZoneInfo("Europe/Copenhagen")
_numbers = itertools.count()


class _Node(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    host = NODES[0]

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.base = NODES[self.number % len(NODES)]
        self.rng = random.Random(self.number)


class _Staff(_Node):
    abstract = True
    usernames: tuple[str, ...] = ()

    def on_start(self) -> None:
        super().on_start()
        username = self.usernames[self.number % len(self.usernames)]
        self.account = FIXTURE["users"][username]
        session = self.account["sessions"][self.number % len(self.account["sessions"])]
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "Referer": self.base + "/"}

    def get(self, path: str, name: str) -> None:
        # Not followed: a redirect to the login page would otherwise count as a page served.
        with self.client.get(self.base + path, name=name, headers=self.headers, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}, expected 200")

    def post(self, path: str, data: dict, name: str, headers: dict | None = None) -> None:
        with self.client.post(self.base + path, data=data, name=name, headers=headers or self.headers,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code}, expected 302 (saved, redirected)")

    @task(3)
    def case_list(self) -> None:
        self.get("/sager/", "case_list")

    @task(3)
    def case_page(self) -> None:
        if self.account["cases"]:
            self.get(f"/sager/{self.rng.choice(self.account['cases'])}/", "case_page")

    @task(2)
    def meeting(self) -> None:
        if self.account["meetings"]:
            self.get(self.rng.choice(self.account["meetings"]), "meeting")

    @task(2)
    def notifications(self) -> None:
        self.get("/sager/notifikationer/", "notifications")

    @task(1)
    def journal_post(self) -> None:
        if self.account["cases"]:
            now = datetime.now(CPH).strftime("%Y-%m-%dT%H:%M")
            self.post(f"/sager/{self.rng.choice(self.account['cases'])}/journal/",
                      {"csrfmiddlewaretoken": CSRF, "kind": "note", "text": "Belastningstest: opfølgning.",
                       "occurred_at": now}, "journal_post")

    @task(1)
    def fasttrack_form(self) -> None:
        self.client.get(self.base + "/fast-track/", name="fasttrack_form")

    @task(1)
    def referral_post(self) -> None:
        today = datetime.now(CPH).date()
        unique = uuid.uuid4().hex[:12]
        data = {**FIXTURE["referral"], "contact_email": f"load-{unique}@nordlys.example",
                "employee_email": f"load-{unique}@post.example",
                "first_absence_day": (today - timedelta(weeks=3)).isoformat()}
        self.post("/fast-track/", data, "referral_post",
                  headers={"Cookie": f"csrftoken={CSRF}", "Referer": self.base + "/"})


class ConsultantUser(_Staff):
    weight = 4
    usernames = tuple(FIXTURE["consultants"])


class TeamLeadUser(_Staff):
    weight = 1
    usernames = (FIXTURE["team_lead"],)

    @task(3)
    def overview(self) -> None:
        self.get("/overblik/", "overview")


class HealthzUser(_Node):
    @task
    def healthz(self) -> None:
        self.client.get(self.base + "/healthz", name="healthz")
