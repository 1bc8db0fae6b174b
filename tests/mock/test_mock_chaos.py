"""Seeded chaos: a rule's ``probability`` and cut range, drawn so the same seed repeats the run."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from attachkit.auth import AkSkAuth
from attachkit.cli.mock import build_parser, config_from_args
from attachkit.mock import MockConfig, MockServer
from attachkit.mock.faults import FaultRule, Faults
from tests.mock_helpers import coc_path, upload_coc

DATA = bytes(range(256)) * 64  # 16 KiB
DOWNLOADS = "/v1/incident/attachments/*"


def _chaos_run(server: MockServer, requests: int = 40) -> list[tuple[int | None, int]]:
    """(status, bytes received) of each of ``requests`` downloads under one rule that fails
    30% of them with 503 and another that cuts 20% of the rest at a byte from 100 to 10,000."""
    server.faults.status("GET", DOWNLOADS, 503, times=1000, probability=0.3)
    server.faults.cut("GET", DOWNLOADS, 100, up_to=10_000, times=1000, probability=0.2)
    outcomes: list[tuple[int | None, int]] = []
    with httpx.Client(base_url=server.base_url, auth=AkSkAuth(server.credentials)) as client:
        doc_id = upload_coc(client, "a.txt", DATA)
        for _ in range(requests):
            received = 0
            status: int | None = None
            try:
                with client.stream("GET", coc_path(doc_id)) as answer:
                    status = answer.status_code
                    for chunk in answer.iter_raw():
                        received += len(chunk)
            except httpx.HTTPError:
                pass  # a cut: what arrived is counted
            outcomes.append((status, received))
    return outcomes


def test_the_same_seed_gives_the_same_faults(mock_factory: Callable[..., MockServer]) -> None:
    first = _chaos_run(mock_factory(fault_seed=2024))
    second = _chaos_run(mock_factory(fault_seed=2024))
    assert first == second
    statuses = [status for status, _ in first]
    cuts = [got for status, got in first if status == 200 and got < len(DATA)]
    # The run really is chaotic: some refused, some cut (at different bytes), some whole.
    assert 0 < statuses.count(503) < len(first)
    assert cuts and all(100 <= got <= 10_000 for got in cuts) and len(set(cuts)) > 1
    assert (200, len(DATA)) in first


def test_another_seed_gives_another_run(mock_factory: Callable[..., MockServer]) -> None:
    assert _chaos_run(mock_factory(fault_seed=1)) != _chaos_run(mock_factory(fault_seed=2))


def test_a_seeded_rule_draws_the_same_decisions_in_process() -> None:
    def decisions(seed: int) -> list[bool]:
        faults = Faults(seed)
        faults.delay("*", "/x", 0.5, times=1_000_000, probability=0.5)
        return [faults.take("GET", "/x") is not None for _ in range(200)]

    assert decisions(7) == decisions(7)
    assert 60 < sum(decisions(7)) < 140


def test_rules_are_seeded_by_their_order_so_a_clear_starts_the_sequence_again() -> None:
    faults = Faults(99)

    def run() -> list[int | None]:
        faults.clear()
        faults.cut("GET", "/x", 0, up_to=1_000_000, times=50)
        return [rule.cut_after for rule in (faults.take("GET", "/x") for _ in range(50)) if rule]

    first = run()
    assert len(first) == 50 and len(set(first)) > 40
    assert run() == first


def test_a_draw_that_spares_a_request_does_not_use_up_the_rule() -> None:
    faults = Faults(5)
    faults.status("GET", "/x", 503, times=3, probability=0.25)
    applied = sum(faults.take("GET", "/x") is not None for _ in range(200))
    assert applied == 3 and faults.list() == []


def test_probability_and_cut_range_come_from_the_json_api_too(
    mock: MockServer, control: httpx.Client
) -> None:
    made = control.post(
        "/_mock/faults",
        json={"path": DOWNLOADS, "cut_after": 10, "cut_after_max": 20, "probability": 0.5},
    )
    assert made.status_code == 201
    assert made.json()["probability"] == 0.5 and made.json()["cut_after_max"] == 20


@pytest.mark.parametrize(
    "fields",
    [
        {"probability": 1.5, "delay": 1},
        {"probability": -0.1, "delay": 1},
        {"probability": "half", "delay": 1},
        {"probability": True, "delay": 1},
        {"cut_after_max": 10, "delay": 1},
        {"cut_after": 10, "cut_after_max": 5},
    ],
)
def test_bad_chaos_fields_are_refused_naming_the_field(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="fault field '(probability|cut_after_max)'"):
        Faults.rule_from_json({"path": "/x", **fields})


def test_serve_takes_a_seed_and_a_journal_size() -> None:
    args = build_parser().parse_args(["mock", "serve", "--seed", "42", "--journal-size", "7"])
    config = config_from_args(args)
    assert (config.fault_seed, config.journal_size) == (42, 7)
    for bad in (["--seed", "-1"], ["--seed", "x"], ["--journal-size", "-3"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["mock", "serve", *bad])


def test_a_bad_seed_in_the_config_is_refused() -> None:
    for bad in (-1, 2**64, 1.5, "7", True):
        with pytest.raises(ValueError, match="fault_seed"):
            MockConfig(fault_seed=bad)  # type: ignore[arg-type]
    assert FaultRule("/x", delay=1).probability == 1.0
