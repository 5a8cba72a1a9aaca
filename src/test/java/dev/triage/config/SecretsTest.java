package dev.triage.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void passwordsSecretsJaasConfigsUserInfoAndPrivateKeysAreHidden() {
        Map<String, String> shown = Secrets.masked(Map.ofEntries(
                Map.entry("sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p1\";"),
                Map.entry("producer.sasl.jaas.config", "PlainLoginModule required password=\"p2\";"),
                Map.entry("ssl.keystore.password", "p3"),
                Map.entry("admin.ssl.truststore.password", "p4"),
                Map.entry("ssl.key.password", "p5"),
                Map.entry("ssl.keystore.key", "-----BEGIN PRIVATE KEY----- p6"),
                Map.entry("schema.registry.ssl.keystore.password", "p7"),
                Map.entry("basic.auth.user.info", "alice:p8"),
                Map.entry("sasl.oauthbearer.client.secret", "p9"),
                Map.entry("bearer.auth.token", "p10"),
                Map.entry("schema.registry.url", "https://bob:p11@registry:8081,http://carol:p12@other:8081")));
        assertThat(shown).doesNotContainValue("p1").allSatisfy((key, value) ->
                assertThat(value).as(key).doesNotContainPattern("p\\d+"));
        assertThat(shown.get("sasl.jaas.config")).isEqualTo("[hidden]");
        assertThat(shown.get("schema.registry.url"))
                .isEqualTo("https://[hidden]@registry:8081,http://[hidden]@other:8081");
    }

    @Test
    void everythingElseIsShownAsItIs() {
        Map<String, String> settings = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.keystore.location", "/etc/triage/client.p12", "ssl.truststore.type", "PKCS12",
                "basic.auth.credentials.source", "USER_INFO", "schema.registry.url", "https://registry:8081",
                "triage.batch.size", "32");
        assertThat(Secrets.masked(settings)).isEqualTo(settings);
    }

    @Test
    void linesAreSortedKeyEqualsValue() {
        assertThat(Secrets.lines(Map.of("b", 2, "a", "1", "ssl.key.password", "x")))
                .isEqualTo("a=1\nb=2\nssl.key.password=[hidden]");
    }
}
