"""The saved-run vocabulary is complete: every name the built-in workloads and executors save is in it, and
every judgement and figure kind in it has its judge and its figure."""

from __future__ import annotations

import workloads
from bench import vocabulary
from bench.analysis.report.catalogue import OWN_FIGURES
from bench.analysis.verdict import JUDGES
from bench.worker.executors import registry


def test_every_builtin_workload_saves_names_the_vocabulary_knows() -> None:
    for name, workload in workloads.load_all().items():
        facts = workload.facts({param.name: param.default for param in workload.params})
        assert facts["judged_by"] in vocabulary.JUDGEMENTS, name
        assert facts["figure"] in vocabulary.FIGURES, name
        declared = {measure["name"] for measure in facts["measures"]}
        assert set(vocabulary.JUDGED_MEASURES.get(facts["judged_by"], ())) <= declared, name


def test_every_executor_counts_its_workers_in_a_unit_the_vocabulary_knows() -> None:
    assert {
        executor.name: executor.unit for executor in registry().values() if executor.unit not in vocabulary.UNITS
    } == {}


def test_workloads_take_the_vocabulary_rather_than_copy_it() -> None:
    assert workloads.JUDGED_WORDS is vocabulary.JUDGED_WORDS
    assert (workloads.JUDGEMENTS, workloads.FIGURES) == (vocabulary.JUDGEMENTS, vocabulary.FIGURES)
    assert set(vocabulary.JUDGED_WORDS) == set(vocabulary.JUDGEMENTS)


def test_every_judgement_has_its_judge_and_every_figure_kind_is_drawn() -> None:
    assert set(JUDGES) == set(vocabulary.JUDGEMENTS)
    # SCALING has no figure of its own: every paired workload is drawn in the report's scaling figure.
    assert set(OWN_FIGURES) | {vocabulary.SCALING} == set(vocabulary.FIGURES)
