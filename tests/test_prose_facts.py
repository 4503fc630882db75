"""The facts that replaced numbers typed into the prose (issue 18, item 14) say what the code does."""

from __future__ import annotations

import inspect

from snippets import b2_training_bugs, b3_shape_tracer, d_receptive_field


def test_the_high_learning_rate_factor_is_the_one_the_experiment_applies():
    """B2 reads the factor from the run's name in the committed record; the code multiplies by the same."""
    factor = b2_training_bugs.facts()["lr_factor"]
    assert f'LR * {factor} if bug == "learning rate x{factor}"' in inspect.getsource(b2_training_bugs.run)


def test_the_shape_facts_are_read_from_the_layers():
    f = b3_shape_tracer.facts()
    assert (f["pool_stride"], f["conv_shrink"], f["variant_stride"]) == (2, 2, 2)
    assert f["conv_hw"] == 28 - f["conv_shrink"]


def test_the_receptive_field_steps_double_after_the_pooling():
    f = d_receptive_field.facts()
    assert f["rf_step_after_pool"] == 2 * f["rf_step_before_pool"]
