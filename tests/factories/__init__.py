"""factory-boy factories, one module per app, all importable from ``tests.factories``."""

from .core import *  # noqa: F403
from .policies import *  # noqa: F403
