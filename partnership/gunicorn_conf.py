"""gunicorn settings shared by docker-compose, the Dockerfile and ``make bench``
(``gunicorn -c python:partnership.gunicorn_conf``)."""

accesslog = "-"
logger_class = "partnership.logsafe.GunicornLogger"
# The path only (masked by the logger class), never the query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
