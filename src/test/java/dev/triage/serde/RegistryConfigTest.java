package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    @Test
    void defaults() {
        RegistryConfig c = RegistryConfig.fromMap(Map.of("schema.registry.url", "http://r:8081"));
        assertThat(c.urls()).containsExactly("http://r:8081");
        assertThat(c.credentialsSource()).isEqualTo(RegistryConfig.CredentialsSource.URL);
        assertThat(c.userInfo()).isNull();
        assertThat(c.autoRegisterSchemas()).isTrue();
        assertThat(c.useLatestVersion()).isFalse();
        assertThat(c.requestTimeout()).isEqualTo(RegistryConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(c.retries()).isEqualTo(RegistryConfig.DEFAULT_RETRIES);
        assertThat(c.retryBackoff()).isEqualTo(RegistryConfig.DEFAULT_RETRY_BACKOFF);
        assertThat(c.latestCacheTtl()).isNull();
        assertThat(c.isMock()).isFalse();
    }

    @Test
    void parsesStringsAndTypedValuesAndIgnoresOtherKeys() {
        RegistryConfig c = RegistryConfig.fromMap(Map.of(
                "schema.registry.url", " http://a:1/, https://b:2 ,",
                "basic.auth.credentials.source", "user_info",
                "basic.auth.user.info", "u:p",
                "auto.register.schemas", "false",
                "use.latest.version", true,
                "latest.cache.ttl.sec", 30,
                "schema.registry.request.timeout.ms", "2500",
                "schema.registry.retries", 0,
                "schema.registry.retry.backoff.ms", 5L,
                "application.id", "whatever"));
        assertThat(c.urls()).containsExactly("http://a:1", "https://b:2");
        assertThat(c.credentialsSource()).isEqualTo(RegistryConfig.CredentialsSource.USER_INFO);
        assertThat(c.userInfo()).isEqualTo("u:p");
        assertThat(c.autoRegisterSchemas()).isFalse();
        assertThat(c.useLatestVersion()).isTrue();
        assertThat(c.latestCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.retries()).isZero();
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void urlsMayBeAList() {
        assertThat(RegistryConfig.fromMap(Map.of("schema.registry.url", List.of("http://a", "http://b"))).urls())
                .containsExactly("http://a", "http://b");
    }

    @Test
    void mockUrlNamesAScope() {
        RegistryConfig c = RegistryConfig.forUrl("mock://triage-test");
        assertThat(c.isMock()).isTrue();
        assertThat(c.mockScope()).isEqualTo("triage-test");
        assertThatThrownBy(() -> RegistryConfig.forUrl("mock://a,http://b")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.forUrl("mock://")).isInstanceOf(ConfigException.class);
    }

    @Test
    void rejectsBadConfigs() {
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistryConfig.forUrl(" , ")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.forUrl("localhost:8081")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a",
                "basic.auth.credentials.source", "SASL_INHERIT"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a",
                "basic.auth.credentials.source", "USER_INFO"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a",
                "auto.register.schemas", "yes"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a",
                "schema.registry.retries", "-1"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a",
                "schema.registry.request.timeout.ms", "soon"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void maxBlockIsEveryAttemptsTimeoutPlusEveryBackoff() {
        assertThat(RegistryConfig.forUrl("http://r").maxBlock()).hasMillis(2 * 2_000 + 200);
        RegistryConfig c = RegistryConfig.fromMap(Map.of("schema.registry.url", "http://a,http://b",
                "schema.registry.request.timeout.ms", 1000, "schema.registry.retries", 3,
                "schema.registry.retry.backoff.ms", 100));
        assertThat(c.maxBlock()).hasMillis(4 * 1_000 + 100 + 200 + 400);
        assertThat(c.backoff(30)).hasMillis(10_000);
        // the back-off stops doubling at 10 s; a huge retry count is counted, not looped over
        RegistryConfig many = c.withRetries(1_000_000, java.time.Duration.ofMillis(100));
        assertThat(many.maxBlock().toMillis()).isGreaterThan(1_000_000L * 1_000);
    }

    @Test
    void toStringHidesPasswords() {
        RegistryConfig c = RegistryConfig.fromMap(Map.of(
                "schema.registry.url", "http://u:pw1@a:1/x",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "u:pw2"));
        assertThat(c.toString()).contains("http://a:1/x").doesNotContain("pw1").doesNotContain("pw2");
    }
}
