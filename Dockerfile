# Homeport in one container. Build: docker build -t homeport .
# Run:   docker run -p 8080:8080 -p 7443:7443 -p 7400:7400/udp -p 7401:7401/udp -v homeport-data:/var/lib/homeport \
#          -e HOMEPORT_PUBLIC_HOSTS=homeport.example.org homeport
# Plugins: the image carries the ECHONET Lite plugin in /opt/homeport/plugins; mount your own
#          directory there (-v $PWD/plugins:/opt/homeport/plugins) to add vendor plugin jars.
# Cluster: the same image for every node, each container with its own address and HOMEPORT_CLUSTER_* settings,
#          one PostgreSQL store and one shared data volume (README, "Running a cluster"); Hazelcast on 5701/tcp.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY config config
COPY src src
COPY plugins plugins
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/homeport --shell /usr/sbin/nologin homeport \
    && mkdir -p /var/lib/homeport /opt/homeport/plugins && chown homeport /var/lib/homeport
COPY --from=build /src/target/homeport.jar /opt/homeport/homeport.jar
COPY config/homeport.yaml /opt/homeport/config/homeport.yaml
COPY --from=build /src/plugins/echonet-lite.jar /opt/homeport/plugins/echonet-lite.jar
ENV HOMEPORT_DATA_DIR=/var/lib/homeport \
    HOMEPORT_PLUGINS_DIRECTORY=/opt/homeport/plugins
VOLUME /var/lib/homeport
EXPOSE 8080/tcp 7443/tcp 7400/udp 7401/udp 7402/udp 5701/tcp
USER homeport
WORKDIR /opt/homeport
ENTRYPOINT ["java", "-jar", "/opt/homeport/homeport.jar"]
CMD ["serve"]
