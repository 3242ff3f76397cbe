# The EC2 simulator (EC2 Query protocol over HTTP, ground truth at /_sim/instances) for docker-compose.
#   docker build -f docker/ec2-simulator.Dockerfile -t spot-optimizer/ec2-simulator .   (context: repo root)
# Environment: EC2_SIM_PORT (8787), EC2_SIM_BIND (0.0.0.0), EC2_SIM_LAUNCH_DELAY_MS,
# EC2_SIM_TERMINATE_DELAY_MS, EC2_SIM_CONSISTENCY_WINDOW_MS.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN bash docker/build-jar.sh plain ec2-simulator /out \
 && main=com.spotoptimizer.ec2sim.Ec2SimulatorMain \
 && if ! jar tf /out/app.jar | grep -qx 'com/spotoptimizer/ec2sim/Ec2SimulatorMain.class'; then \
      main=com.spotoptimizer.ec2sim.Ec2Simulator; fi \
 && printf '#!/bin/sh\nexec java -cp "/app/app.jar:/app/lib/*" %s "$@"\n' "$main" > /out/ec2-simulator \
 && chmod 755 /out/ec2-simulator

FROM eclipse-temurin:17-jre
RUN groupadd --system spot && useradd --system --gid spot --no-create-home spot
WORKDIR /app
COPY --from=build /out/ ./
USER spot
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75" EC2_SIM_PORT=8787
EXPOSE 8787
ENTRYPOINT ["/app/ec2-simulator"]
