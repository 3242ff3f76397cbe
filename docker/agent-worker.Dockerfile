# The agent-worker image: a Temporal worker on its agent's task queue, calling EC2 (AWS SDK v2).
#   docker build -f docker/agent-worker.Dockerfile -t spot-optimizer/agent-worker .   (context: repo root)
# Plain Dockerfile syntax (no BuildKit mounts), so docker-compose 1.29's classic builder builds it too.

# Only the build files, so the dependency layer below is rebuilt only when a pom changes.
FROM eclipse-temurin:17-jdk AS poms
WORKDIR /src
COPY . .
RUN mkdir /poms && find . -name pom.xml -not -path '*/target/*' -not -path '*/node_modules/*' \
      -exec cp --parents {} /poms/ \;

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw ./
COPY .mvn .mvn
COPY --from=poms /poms/ ./
# Best effort: a failure here only costs the cache; the real build below reports errors.
RUN ./mvnw -B -ntp -q -pl agent-worker -am -Dmaven.test.skip=true -Dspring-boot.repackage.skip=true install \
 || echo 'dependency pre-fetch incomplete, continuing'
COPY . .
RUN bash docker/build-jar.sh boot agent-worker /out/app.jar \
 && cd /out && java -Djarmode=tools -jar app.jar extract --layers --destination layers

FROM eclipse-temurin:17-jre
RUN groupadd --system spot && useradd --system --gid spot --no-create-home spot
WORKDIR /app
# Layers from least to most often changed.
COPY --from=build /out/layers/dependencies/ ./
COPY --from=build /out/layers/spring-boot-loader/ ./
COPY --from=build /out/layers/snapshot-dependencies/ ./
COPY --from=build /out/layers/application/ ./
USER spot
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    SERVER_PORT=8081
EXPOSE 8081
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
