"""Settings for Mustafid: ``base`` holds what every environment shares; ``dev``, ``test``
and ``production`` each add what is theirs. Everything a deployment changes is read from
the environment (or a ``.env`` file) through django-environ."""
