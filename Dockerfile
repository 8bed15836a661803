# The image fly.toml deploys: the built SPA, the Django app, granian (the web server) and the
# django-q2 worker.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend frontend
RUN cd frontend && npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SIMPOC_ENV=production DATA_DIR=/data PORT=8000
WORKDIR /app
COPY scripts/apt-packages.txt scripts/
RUN apt-get update \
 && grep -v '^\s*#' scripts/apt-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY simpoc simpoc
COPY gallery gallery
COPY media_gen media_gen
COPY simulation simulation
COPY portability portability
COPY backoffice backoffice
COPY webroot webroot
RUN pip install --no-cache-dir .
COPY . .
COPY --from=frontend /app/frontend/dist frontend/dist
# collectstatic needs settings that load; these throwaway values never reach a running container.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input -v0
RUN useradd --create-home simpoc && mkdir -p /data && chown simpoc /data
USER simpoc
EXPOSE 8000
CMD ["scripts/serve", "web"]
