# syntax=docker/dockerfile:1
# The connector as an Airbyte source: the connector image (infra/Dockerfile) with the protocol mode
# as its entrypoint and the labels Airbyte reads. Build the connector image first, then this one:
#   docker build -f infra/Dockerfile -t tally-connector:0.1.0 .
#   docker build -f infra/airbyte.Dockerfile --build-arg BASE=tally-connector:0.1.0 -t tally-connector-airbyte:0.1.0 .
# Register it on Airbyte as a custom source (image tally-connector-airbyte, tag 0.1.0). The platform
# runs `spec`, `check --config F`, `discover --config F` and `read --config F --catalog F [--state F]`,
# which the entrypoint turns into `tally-connector airbyte <command> ...`.
ARG BASE=tally-connector:latest
FROM ${BASE}
ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/tally-entrypoint airbyte"
ENTRYPOINT ["/usr/local/bin/tally-entrypoint", "airbyte"]
CMD ["spec"]
LABEL io.airbyte.name="tally-connector-airbyte"
LABEL io.airbyte.version="0.1.0"
LABEL io.airbyte.protocol-version="0.3.2"
