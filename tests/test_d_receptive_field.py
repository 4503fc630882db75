"""Chapter D, receptive field: the recurrence agrees with autograd, and what the page says about it holds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.d_receptive_field import (
    example_stack,
    facts,
    figure_growth,
    gradient_support,
    layer_geometry,
    mass_in_central_half,
    receptive_fields,
    spread,
    support_box,
    uniform_stack_gradient,
)


def test_example_stack_receptive_field_matches_the_gradient():
    stack = example_stack()
    assert receptive_fields(stack) == [3, 5, 6, 10, 14]
    mask = gradient_support(stack)
    assert support_box(mask) == (14, 14)
    assert mask.sum().item() == 14 * 14  # the whole box, no holes


def test_max_pooling_routes_the_gradient_through_winners_only():
    """With max pooling the receptive field is the same, but only winning inputs get a gradient."""
    stack = example_stack(nn.MaxPool2d)
    mask = gradient_support(stack)
    rf = receptive_fields(stack)[-1]
    assert support_box(mask) <= (rf, rf)
    assert mask.sum().item() < rf * rf
    f = facts()
    assert f["max_grad_count"] == mask.sum().item() and f["max_rf"] == rf


@settings(max_examples=12, deadline=None)
@given(
    spec=st.lists(
        st.tuples(st.sampled_from(["conv", "avg"]), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2)),
        min_size=1,
        max_size=4,
    )
)
def test_recurrence_equals_gradient_support_for_random_stacks(spec):
    """For any linear stack of convolutions (kernel, stride, dilation) and average poolings."""
    layers = []
    for kind, k, s, d in spec:
        layers.append(nn.Conv2d(1, 1, k, stride=s, dilation=d) if kind == "conv" else nn.AvgPool2d(k, stride=s))
    rf = receptive_fields(layers)[-1]
    size = 4 * rf + 8
    mask = gradient_support(nn.Sequential(*layers), size=size)
    assert support_box(mask)[0] == rf and support_box(mask)[1] == rf


def test_geometry_rejects_layers_it_does_not_know():
    with pytest.raises(TypeError, match="expected Conv2d"):
        layer_geometry(nn.Linear(3, 4))
    with pytest.raises(ValueError, match="square"):
        layer_geometry(nn.Conv2d(1, 1, (3, 5)))
    with pytest.raises(ValueError, match="size must be"):
        gradient_support(example_stack(), size=0)


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 8])
def test_effective_field_is_a_bell_of_width_sqrt_depth(depth):
    g = uniform_stack_gradient(depth)
    assert g.shape == (2 * depth + 1, 2 * depth + 1)
    assert g.sum().item() == pytest.approx(1.0)
    assert spread(g) == pytest.approx(math.sqrt(2 * depth / 3))
    assert g[depth, depth] == g.max()  # the centre pixel weighs most


def test_effective_field_concentrates_while_the_theoretical_one_grows():
    f = facts()
    assert f["depth8_rf"] == 17
    assert f["depth8_central"] > 85 > 3 * f["depth8_central_area"]
    assert mass_in_central_half(uniform_stack_gradient(8)) > mass_in_central_half(uniform_stack_gradient(2))


def test_figure_draws_one_panel_per_depth():
    fig = figure_growth()
    assert len([ax for ax in fig.axes if ax.images]) == 4


def test_depth_facts_name_the_depths_the_figure_and_the_numbers_use():
    from snippets.d_receptive_field import FIGURE_DEPTHS, facts

    f = facts()
    assert f["deep_layers"] == max(FIGURE_DEPTHS)
    assert f["depth8_rf"] == 2 * f["deep_layers"] + 1  # L layers of 3 × 3 see (2L + 1)²
    head, _, last = f["figure_depths"].rpartition(" and ")
    assert head.split(", ") == [str(d) for d in FIGURE_DEPTHS[:-1]] and last == str(FIGURE_DEPTHS[-1])
    assert f["figure_depths_he"].endswith(f"ו־{FIGURE_DEPTHS[-1]}")
