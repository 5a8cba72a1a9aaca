package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoPartitioningTest {

    @Test
    void anUnreachableClusterFailsWithinTheTimeTheMessageStates() throws IOException {
        String nobody = "127.0.0.1:" + closedPort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> CoPartitioning.verify(Map.of("bootstrap.servers", nobody),
                List.of("t", "i", "a"), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no answer from Kafka at " + nobody + " within 2 s")
                .hasMessageContaining("bootstrap.servers");
        // Before: the describe call lived on for default.api.timeout.ms (60 s) and closing the Admin waited for it.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3_500));
    }

    @Test
    void theStartUpCheckWaitsThirtySeconds() {
        assertThat(CoPartitioning.TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
