# syntax=docker/dockerfile:1
# Build: docker build -t triage .            (CPU, DJL 0.36.0 + libtorch 2.7.1)
#        GPU: Dockerfile.gpu (the thin jar on a PyTorch CUDA image's libtorch)
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MAVEN_PROFILES=""
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline ${MAVEN_PROFILES:+-P$MAVEN_PROFILES}
COPY schemas schemas
COPY src src
RUN mvn -B -q -DskipTests ${MAVEN_PROFILES:+-P$MAVEN_PROFILES} package

FROM eclipse-temurin:17-jre
RUN groupadd --system triage && useradd --system --gid triage --home-dir /app triage
WORKDIR /app
COPY --from=build /src/target/triage.jar /app/triage.jar
COPY models /app/models
RUN mkdir -p /app/state && chown -R triage:triage /app
USER triage
ENV TRIAGE_MODEL_DIR=/app/models/reference \
    KAFKA_STATE_DIR=/app/state \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dai.djl.offline=true"
ENTRYPOINT ["java", "-jar", "/app/triage.jar"]
CMD ["run"]
