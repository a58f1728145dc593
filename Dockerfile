# Production image of the township Party-building app: gunicorn (web), Celery worker and beat.
# Static files are collected into /app/staticfiles at start-up (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz at run time; fonts-noto-cjk gives the Chinese glyphs that
# the PDF reports embed; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN if [ -d locale ]; then DJANGO_DEBUG=true python manage.py compilemessages; fi \
    && useradd --system --uid 1000 --home-dir /app dangjian \
    && mkdir -p /app/staticfiles /app/media /app/private \
    && chown -R dangjian:dangjian /app/staticfiles /app/media /app/private

USER dangjian
EXPOSE 8000

# A page may take 30 s at most (the database cancels a statement after 20 s); longer work is a job.
# The number of workers is in gunicorn.conf.py (WEB_CONCURRENCY, else one a core, at least 2).
CMD ["gunicorn", "township.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--timeout", "30", "--access-logfile", "-"]
