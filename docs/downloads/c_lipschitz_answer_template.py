# Part C (20 points) — the Lipschitz RNN. A blank answer to fill in.
#
# The question (the exam of 8.9.2024, Applied Deep Learning):
#   A recent paper describes a new recurrent method, the Lipschitz RNN, with the
#   equation below. Implement a PyTorch module for it: a class with __init__,
#   forward and any other function you need. __init__ takes input_size and
#   hidden_size and initialises the module; forward takes the current input and
#   the previous hidden state and returns the next hidden state.
#
#       h_{t+1} = A h_t + tanh(W h_t + U x_{t+1} + b)
#
#   where the matrices A, W, U and the vector b are the parameters of the model.
#
# Grade your answer (from the book's folder):
#   make grade-c FILE=my_answer.py
#   python -m snippets.c_lipschitz_grader my_answer.py
# The grader builds the class with (input_size, hidden_size) and calls
# forward(x, h_prev) with x of shape (B, input_size) and h_prev of shape (B, hidden_size).

import torch
from torch import nn


class LipschitzRNNCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int): ...

    def forward(self, x: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor: ...
