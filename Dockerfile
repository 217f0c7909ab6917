FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
# collectstatic needs a key only to load settings; no secret is baked into the image.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 app \
    && mkdir -p /app/var /data/private && chown app /app/var /data/private
USER app
EXPOSE 8000
# No access log: every request is one JSON log line of the app's own, with its request id.
CMD ["gunicorn", "messagecenter.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--limit-request-line", "8190"]
