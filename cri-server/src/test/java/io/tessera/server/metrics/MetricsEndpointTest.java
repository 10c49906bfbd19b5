package io.tessera.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import io.tessera.server.grpc.CriCallInterceptor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void endpointShowsTimerOfACallThatWasMade() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RuntimeServiceGrpc.RuntimeServiceImplBase service =
        new RuntimeServiceGrpc.RuntimeServiceImplBase() {
          @Override
          public void version(VersionRequest r, StreamObserver<VersionResponse> out) {
            out.onNext(VersionResponse.newBuilder().setRuntimeName("tessera").build());
            out.onCompleted();
          }
        };
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(
                io.grpc.ServerInterceptors.intercept(service, new CriCallInterceptor(registry)))
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
