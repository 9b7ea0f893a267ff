# Production image: the portal (web, worker and beat share it).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY scripts/build_frontend.mjs scripts/
COPY static/src static/src
RUN node scripts/build_frontend.mjs

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never \
    DJANGO_ENV=production PATH=/app/.venv/bin:$PATH
# WeasyPrint needs Pango; gettext compiles the translations; fonts for PDFs.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8 && useradd --system --create-home portal
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
COPY --from=frontend /src/static/dist static/dist
RUN DATABASE_URL=sqlite:// REDIS_URL=redis://build DJANGO_ENV=build python manage.py compilemessages \
      --ignore=.venv -v 0 \
 && DATABASE_URL=sqlite:// REDIS_URL=redis://build DJANGO_ENV=build python manage.py collectstatic --no-input -v 0
USER portal
EXPOSE 8000
CMD ["gunicorn", "partnership.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "-c", "python:partnership.gunicorn_conf"]
