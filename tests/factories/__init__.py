"""factory-boy factories, one module per app, all importable from ``tests.factories``."""

from .beneficiaries import *  # noqa: F403
from .channels_app import *  # noqa: F403
from .committee import *  # noqa: F403
from .contacts import *  # noqa: F403
from .core import *  # noqa: F403
from .dashboard import *  # noqa: F403
from .policies import *  # noqa: F403
from .portal import *  # noqa: F403
from .privacy import *  # noqa: F403
from .requests_app import *  # noqa: F403
from .satisfaction import *  # noqa: F403
