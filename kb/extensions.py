"""Flask extensions, created without an app; `create_app` binds them."""

import logging

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kb.models.base import db

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
#: No default limits: endpoints that need one (sign-up, login, registration) say so
#: (kb/ratelimits.py). Keyed by the client's address (after ProxyFix).
limiter = Limiter(key_func=get_remote_address)
#: Under the app's logger, so "Rate limit storage unreachable - falling back to
#: in-memory storage" reaches the log (flask-limiter's own logger has only a NullHandler).
limiter.logger = logging.getLogger("kb.ratelimit")

__all__ = ["babel", "csrf", "db", "limiter", "migrate"]
