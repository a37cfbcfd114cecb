# snowcat container image: `docker build -t snowcat .`
# Runtime: non-root (uid 10001), read-only root filesystem friendly, catalog on the /var/lib/snowcat volume.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs rustfmt.toml ./
COPY src ./src
COPY migrations ./migrations
COPY config ./config
# The emulator is a workspace member, so its manifest must be present; the production daemon does not compile it.
COPY emulator ./emulator
RUN cargo build --release --locked -p snowcat --no-default-features && strip target/release/snowcat

FROM debian:bookworm-slim AS runtime
# CA roots for HTTPS to Snowflake; rustls uses them through the platform verifier/webpki roots.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 snowcat \
    && useradd --system --uid 10001 --gid snowcat --home-dir /var/lib/snowcat --shell /usr/sbin/nologin snowcat \
    && install -d -o snowcat -g snowcat -m 0750 /var/lib/snowcat /etc/snowcat
COPY --from=build /src/target/release/snowcat /usr/local/bin/snowcat
COPY config/snowcat.example.toml /etc/snowcat/snowcat.example.toml
USER 10001:10001
VOLUME ["/var/lib/snowcat"]
ENV SNOWCAT_CONFIG=/etc/snowcat/snowcat.toml \
    SNOWCAT__HTTP__LISTEN=0.0.0.0:18473 \
    SNOWCAT__CATALOG__PATH=/var/lib/snowcat/catalog.db
EXPOSE 18473
ENTRYPOINT ["/usr/local/bin/snowcat"]
CMD ["run", "--log-format", "json"]
