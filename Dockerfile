# syntax=docker/dockerfile:1
# handbook in a container:
#   docker build -t handbook .
#   docker run --rm -v "$PWD:/repo" handbook check docs
# Stage 1 builds a static (musl) binary; stage 2 is Alpine with git (for
# the review history and --changed-since) and a non-root user.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev gcc
WORKDIR /src
COPY . .
RUN cargo build --profile dist --locked \
 && cp target/dist/handbook /handbook \
 && strip /handbook

FROM alpine:3.20
RUN apk add --no-cache git \
 && git config --system --add safe.directory '*' \
 && adduser -D -u 10001 handbook
COPY --from=build /handbook /usr/local/bin/handbook
COPY LICENSE /usr/share/doc/handbook/LICENSE
USER handbook
WORKDIR /repo
ENTRYPOINT ["handbook"]
CMD ["check"]
