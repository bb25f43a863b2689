"""bench.harness.parsing and options: the readers of option values, and the run's options, each default stated once."""

from __future__ import annotations

import argparse

import pytest

import workloads
from bench.harness import options, parsing
from bench.harness.config import RunConfig
from bench.worker.executors import registry


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20ms", 0.020), ("0.5s", 0.5), ("2min", 120.0), ("250us", 250e-6), (".5s", 0.5), (" 1.5 s ", 1.5), ("3s", 3.0)],
)
def test_duration_converts_units_to_seconds(text: str, seconds: float) -> None:
    """Each unit scales to seconds."""
    assert parsing.duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["20", "0.5", "", "ms", "-1s", "20 parsecs", "1e3ms", "twenty ms"])
def test_duration_needs_a_number_and_a_unit(text: str) -> None:
    """A bare number is refused (is '20' seconds or milliseconds?), and the message shows an example."""
    with pytest.raises(argparse.ArgumentTypeError, match="20ms"):
        parsing.duration(text)


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("7", 7), ("1_000", 1000), (" 3", 3)])
def test_positive_int_accepts_whole_numbers_from_one(text: str, value: int) -> None:
    """Whole numbers of at least 1 pass, underscores allowed."""
    assert parsing.positive_int(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "at least 1"),
        ("-1", "at least 1"),
        ("x", "not a whole number"),
        ("1.5", "not a whole number"),
        ("", "not a whole number"),
    ],
)
def test_positive_int_rejects_zero_negatives_and_words(text: str, message: str) -> None:
    """0, negatives and non-numbers are refused with a reason."""
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parsing.positive_int(text)


def test_count_allows_zero_but_not_negatives() -> None:
    """``count`` is the >= 0 variant (0 meaning automatic)."""
    assert parsing.count("0") == 0
    assert parsing.count("12") == 12
    for bad in ("-1", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            parsing.count(bad)


@pytest.mark.parametrize(
    ("text", "value"), [("1,2,4", [1, 2, 4]), ("4,1,1,2", [1, 2, 4]), ("8", [8]), ("1, 2 ,", [1, 2])]
)
def test_int_list_sorts_and_drops_duplicates(text: str, value: list[int]) -> None:
    """A comma-separated list becomes sorted unique whole numbers."""
    assert parsing.int_list(text) == value


@pytest.mark.parametrize("text", ["", ",", "1,0", "1,-2", "1,x", "abc"])
def test_int_list_rejects_empty_and_bad_members(text: str) -> None:
    """An empty list or any member below 1 (or not a number) is refused."""
    with pytest.raises(argparse.ArgumentTypeError):
        parsing.int_list(text)


def test_workload_and_executor_lists_name_the_valid_choices() -> None:
    """An unknown name is refused with every valid name in the message; known names keep their order, once each."""
    parse_executors = parsing.name_list(parsing.executor_names, "executor")
    assert parsing.workload_list("pipeline,cpu,pipeline") == ["pipeline", "cpu"]
    assert parsing.workload_list("cpu,./work.py:digest,mod:f+g") == ["cpu", "./work.py:digest", "mod:f+g"]
    assert parse_executors("threads") == ["threads"]
    assert parse_executors("all") == list(registry())
    assert parse_executors("dask,all") == ["dask", *[name for name in registry() if name != "dask"]]
    with pytest.raises(argparse.ArgumentTypeError) as workload_error:
        parsing.workload_list("cpu,nope")
    assert "'nope'" in str(workload_error.value) and "module:function" in str(workload_error.value)
    assert all(name in str(workload_error.value) for name in workloads.load_all())
    with pytest.raises(argparse.ArgumentTypeError) as executor_error:
        parse_executors("fibers")
    assert all(name in str(executor_error.value) for name in registry())
    with pytest.raises(argparse.ArgumentTypeError, match="give one or more"):
        parsing.workload_list(",")


def test_every_workload_parameter_is_an_option() -> None:
    """Each workload ``Param`` is a ``--WORKLOAD-PARAM`` option, typed by its kind."""
    by_name = {option.name: option for option in options.run_options()}
    for workload in workloads.load_all().values():
        for param in workload.params:
            option = by_name[f"{workload.name}-{param.name.replace('_', '-')}"]
            assert option.type is parsing.PARAM_TYPES[param.kind]


def test_every_workload_has_its_own_ladder_option() -> None:
    """``--WORKLOAD-workers`` exists for every workload: the ladder is the workload's, not a name in the harness."""
    names = {option.name for option in options.run_options()}
    assert {f"{name}-workers" for name in workloads.load_all()} <= names


def test_add_options_parses_into_argparse_destinations() -> None:
    """Options parse their values with their own types; unset options stay None."""
    parser = argparse.ArgumentParser()
    options.add_options(parser.add_argument)
    parsed = parser.parse_args(["--workers", "2,1", "--quick", "--http-latency", "5ms", "--http-workers", "3"])
    assert parsed.workers == [1, 2]
    assert parsed.quick is True
    assert parsed.http_latency == pytest.approx(0.005)
    assert parsed.http_workers == [3]
    assert parsed.rounds is None


def test_each_default_is_stated_once_for_the_help_and_the_run() -> None:
    """A default is written into its option's help from the table, and RunConfig's defaults are the table's."""
    by_name = {option.name: option for option in options.run_options()}
    assert by_name["rounds"].text.endswith("up to --max-rounds (default: 4)")
    assert by_name["max-rounds"].text.endswith("(default: 12)")
    assert by_name["precision"].text.endswith("(default: 5%%)")  # argparse's %% for one %
    assert by_name["load-limit"].text.endswith("(default: 0.2)")
    assert by_name["warmup-seconds"].text.endswith("(default: 1s; --quick: 0s)")
    assert by_name["interval"].text == "psutil sampling interval (default: 50ms)"
    assert "(default: 120s for the first round of a case, then 10x its slowest round, at least 10s)" in (
        by_name["timeout"].text
    )
    made = RunConfig(workloads=[], executors=[], explicit_executors=False, workers=None, ladders={}, values={})
    for dest in (
        *("rounds", "max_rounds", "precision", "load_limit", "quiet_wait", "duel_budget"),
        *("warmup", "warmup_seconds", "warmup_limit", "passes", "interval", "results", "server_port"),
    ):
        assert getattr(made, dest) == options.default(dest) is not None


def test_chosen_takes_what_was_given_else_the_default() -> None:
    """Given values win; otherwise the default, the --quick one under --quick; no default and not given: left out."""
    dests = ["rounds", "warmup_seconds", "seed", "results"]
    assert options.chosen({"rounds": 3, "seed": None, "results": ""}, dests, quick=True) == {
        "rounds": 3,
        "warmup_seconds": 0.0,
        "results": "results",
    }
    assert options.chosen({"seed": 0}, dests, quick=False) == {
        "rounds": 4,
        "warmup_seconds": 1.0,
        "seed": 0,
        "results": "results",
    }
