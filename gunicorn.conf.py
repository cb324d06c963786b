"""gunicorn's settings for the portal (`make serve`, deploy/village-portal.service).

Every value can be changed from the environment without editing this file.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Sync workers: a page costs a few milliseconds of CPU and PDFs are made by the background
# worker (never in a request), so gunicorn's rule of two per core plus one fits.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind nginx, which keeps its own connections to the browsers.
keepalive = 5

# Recycle each worker after about a thousand requests, at different moments (the jitter),
# so that slow leaks never grow and the workers never all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100

# One line per request on standard output (journald under systemd), errors on standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%({x-real-ip}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# X-Forwarded-Proto is trusted only from the proxy's own address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
