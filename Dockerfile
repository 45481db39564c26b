# vaedyn in a container: `docker build -t vaedyn . && docker run -p 8080:8080 vaedyn`.
# Settings come from VAEDYN_* variables (config/README.md), e.g. -e VAEDYN_LIMITS_MAX_TRIALS=500;
# HTTPS with a mounted certificate: -v $PWD/tls:/tls:ro -e VAEDYN_TLS_CERTIFICATE=/tls/cert.pem
# -e VAEDYN_TLS_KEY=/tls/key.pem. No Docker engine runs where this is developed:
# scripts/check-dockerfile (run by make test) checks this file against the repository.
# Build stage: the Swift 6 toolchain image, plus the system libraries from our set-up script.
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY scripts/setup scripts/setup
RUN scripts/setup --system-only
COPY Package.swift ./
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --product vaedyn && cp .build/release/vaedyn /usr/local/bin/vaedyn

# Runtime stage: slim Debian with only the shared libraries vaedyn links, and Chart.js
# (libjs-chart.js) that the page loads from /vendor/.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread zlib1g libssl3 libpng16-16 libjs-chart.js ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
COPY --from=build /usr/local/bin/vaedyn /usr/local/bin/vaedyn
# A fixed uid and gid, the ones deploy/kubernetes runs as (runAsUser: 10001).
RUN groupadd --system --gid 10001 vaedyn && useradd --system --uid 10001 --gid 10001 --home /srv/vaedyn vaedyn && mkdir -p /srv/vaedyn && chown vaedyn /srv/vaedyn
WORKDIR /srv/vaedyn
COPY models models
COPY public public
COPY config config
USER vaedyn
ENTRYPOINT ["vaedyn"]
ENV VAEDYN_SERVER_HOST=0.0.0.0
EXPOSE 8080
# `vaedyn health` reads the same settings as serve (port, TLS) and asks /healthz on
# loopback, so the image needs no HTTP client of its own.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["vaedyn", "health", "--timeout", "5"]
CMD ["serve"]
