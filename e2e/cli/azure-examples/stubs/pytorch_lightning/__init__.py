"""A stand-in for pytorch_lightning, which cannot be installed on this machine (no PyPI). The MNIST
example's classifier subclasses pl.LightningModule only to train; for scoring a LightningModule is a
torch.nn.Module. It is put on the scoring process's PYTHONPATH by the test, outside the example's code."""
from torch.nn import Module as LightningModule

__all__ = ["LightningModule"]
