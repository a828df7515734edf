"""Settings of the gunicorn server the API benchmarks start: the project's settings plus one trivial
authenticated endpoint as the same-run baseline (bench/server_urls.py). Not used outside bench/."""

import aso.settings as _project

globals().update({name: value for name, value in vars(_project).items() if name.isupper()})
ROOT_URLCONF = "server_urls"
