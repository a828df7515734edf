"""Locust users for the mixed load (run by bench/bench_mixed_load.py; never imported by Django or
collected by pytest: locust patches the process with gevent).

Four kinds of people, each signing in the way a person does where they use the web pages (password,
then the six-digit code of their own authenticator, computed here from its key):

- provider systems register outpatient services through the API (token) and check eligibility;
- care managers open the review queue and the requests on it;
- regional network managers read the PAR scorecards of their region;
- agency staff start an oversight export and follow its job page.

BENCH_ACCOUNTS is a JSON file: {"token": ..., "payloads": [...], "people": {kind: [[user, password,
hex key (, region id for managers)], ...]}, "requests": [numbers], "period": label}. Any answer other than the expected one is an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import struct
import time
from itertools import count

from locust import HttpUser, between, task

with open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8") as handle:
    SETUP = json.load(handle)
RUN = os.environ.get("BENCH_RUN", "0")
NEXT_PAYLOAD = count()
NEXT_PERSON = {kind: count() for kind in SETUP["people"]}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(hex_key: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), what the person's authenticator app shows."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class _Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(1, 3)  # people read what they opened

    def on_start(self) -> None:
        people = SETUP["people"][self.kind]
        self.person = people[next(NEXT_PERSON[self.kind]) % len(people)]
        username, password, key = self.person[:3]
        page = self.client.get("/accounts/login/", name="sign in: form")
        self.client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(page)},
            name="sign in: password",
        )
        code_page = self.client.get("/accounts/mfa/", name="sign in: code form")
        with self.client.post(
            "/accounts/mfa/",
            data={"code": totp(key), "csrfmiddlewaretoken": _csrf(code_page)},
            name="sign in: code",
            catch_response=True,
        ) as response:
            if "/accounts/" in response.url:
                response.failure("the code was refused")

    def page(self, url: str, name: str, expect: str = "") -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
            elif expect and expect not in response.text:
                response.failure(f"{expect!r} missing")
            return response.text


def _csrf(response) -> str:  # type: ignore[no-untyped-def]
    found = CSRF.search(response.text)
    return found.group(1) if found else ""


class ProviderSystem(HttpUser):
    weight = 5
    wait_time = between(0.5, 1.5)

    @task(3)
    def register(self) -> None:
        payloads = SETUP["payloads"]
        index = next(NEXT_PAYLOAD)
        expected, body = payloads[index % len(payloads)]
        if index >= len(payloads):
            return self.check()  # every planned registration was sent: keep checking eligibility
        headers = {
            "Authorization": f"Token {SETUP['token']}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"mixed-{RUN}-{index}",
        }
        with self.client.post(
            "/api/v1/registrations",
            data=body,
            headers=headers,
            name="provider: register (API)",
            catch_response=True,
        ) as response:
            if response.status_code == int(expected):
                response.success()  # a refusal (400) or a review (202) planned as such
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
        return None

    @task(1)
    def check(self) -> None:
        body = json.loads(SETUP["payloads"][next(NEXT_PAYLOAD) % len(SETUP["payloads"])][1])
        inquiry = {
            "medicaid_id": body["member_id"],
            "birth_date": body["birth_date"],
            "date_of_service": body["start_date"],
        }
        with self.client.post(
            "/api/v1/eligibility/inquiries",
            json=inquiry,
            headers={"Authorization": f"Token {SETUP['token']}"},
            name="provider: eligibility (API)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class CareManager(_Person):
    weight = 2
    kind = "care_manager"

    @task(2)
    def queue(self) -> None:
        self.page("/review/queue/", "care manager: review queue", "Review queue")

    @task(3)
    def request(self) -> None:
        numbers = SETUP["requests"]
        number = numbers[int(time.time() * 1000) % len(numbers)]
        self.page(f"/review/requests/{number}/", "care manager: request", number)


class NetworkManager(_Person):
    weight = 2
    kind = "network_manager"

    @task(1)
    def scorecards(self) -> None:
        self.page("/par/", "RNM: scorecards")

    @task(3)
    def region(self) -> None:
        self.page(f"/par/regions/{self.person[3]}/", "RNM: region table")


class AgencyStaff(_Person):
    weight = 1
    kind = "agency_viewer"
    wait_time = between(5, 10)  # an export is not started every second

    @task
    def export(self) -> None:
        form = self.client.get("/oversight/", name="agency: export form")
        data = {
            "workbook": "utilization",
            "period": SETUP["period"],
            "suppression": "default",
            "format": "xlsx",
            "csrfmiddlewaretoken": _csrf(form),
        }
        with self.client.post(
            "/oversight/", data=data, name="agency: start export", catch_response=True
        ) as response:
            if "/jobs/" not in response.url:
                response.failure(f"no job page: {response.status_code} at {response.url}")
                return
            job_url = response.url
        for _ in range(30):  # follow the job page as the progress bar does, up to a minute
            with self.client.get(job_url, name="agency: job page", catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"{page.status_code}")
                    return
                if "Download the result" in page.text:
                    return
                if "Failed" in page.text:
                    page.failure("the export job failed")
                    return
            time.sleep(2)
        self.environment.events.request.fire(
            request_type="JOB", name="agency: export finished", response_time=60_000,
            response_length=0, exception=RuntimeError("no file within a minute"), context={},
        )  # fmt: skip
