"""factory-boy factories, one module per app, all importable from ``tests.factories``."""

from .beneficiaries import *  # noqa: F403
from .channels_app import *  # noqa: F403
from .core import *  # noqa: F403
from .policies import *  # noqa: F403
from .privacy import *  # noqa: F403
from .requests_app import *  # noqa: F403
