package io.tessera.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.kernel.cgroup.CgroupDriver;
import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.server.HostFacts;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.config.ConfigOverrides;
import io.tessera.server.config.TesseraConfig;
import io.tessera.server.grpc.CriCallInterceptor;
import io.tessera.server.grpc.CriRuntimeService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void endpointShowsTimerOfACallThatWasMade() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TesseraConfig config =
        ConfigLoader.load(Path.of("/nonexistent/tessera.toml"), false, ConfigOverrides.none());
    HostFacts host = new HostFacts("6.1", CgroupLayout.V2, CgroupDriver.CGROUPFS, Map.of());
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(
                io.grpc.ServerInterceptors.intercept(
                    new CriRuntimeService(config, host), new CriCallInterceptor(registry)))
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(registry, new InetSocketAddress("127.0.0.1", 0))) {
      RuntimeServiceGrpc.newBlockingStub(channel).version(VersionRequest.getDefaultInstance());

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .containsPattern(
              "tessera_grpc_server_calls_seconds_count\\{[^}]*method=\"Version\"[^}]*\\} 1");
      assertThat(response.body()).contains("code=\"OK\"");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
