"""Locust load for the registration API (run by bench/bench_registration_api.py, never imported by
Django or collected by pytest: locust patches the process with gevent).

BENCH_TASK=register posts one registration per line of BENCH_PAYLOADS ("<expected status>\t<JSON body>",
each with its own Idempotency-Key); BENCH_TASK=ping calls the baseline endpoint. BENCH_TOKEN is the token.
An answer other than the expected status counts as an error.
"""

import os
from itertools import count

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

TOKEN = os.environ["BENCH_TOKEN"]
TASK = os.environ.get("BENCH_TASK", "register")
RUN = os.environ.get(
    "BENCH_RUN", "0"
)  # keys are unique per run: a key reused with another body is a 400
with open(os.environ.get("BENCH_PAYLOADS", os.devnull), encoding="utf-8") as handle:
    PAYLOADS = [tuple(line.rstrip("\n").split("\t", 1)) for line in handle if line.strip()]
NEXT = count()


class ProviderSystem(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user sends its next request when the last returns

    @task
    def call(self) -> None:
        headers = {"Authorization": f"Token {TOKEN}"}
        if TASK == "ping":
            self.client.get("/bench/ping", headers=headers, name="GET /bench/ping")
            return
        index = next(NEXT)
        if index >= len(PAYLOADS):
            self.environment.runner.quit()
            return
        expected, body = PAYLOADS[index]
        headers |= {"Content-Type": "application/json", "Idempotency-Key": f"bench-{RUN}-{index}"}
        with self.client.post(
            "/api/v1/registrations",
            data=body,
            headers=headers,
            name="POST /api/v1/registrations",
            catch_response=True,
        ) as response:
            if response.status_code == int(expected):
                response.success()  # a refusal (400) or a review (202) is an expected answer
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
