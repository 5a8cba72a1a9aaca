package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.TextEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientsTest {

    private static RegistryConfig config(String url, Object... keyValues) {
        Map<String, Object> map = new HashMap<>();
        map.put(RegistryConfig.URL, url);
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return RegistryConfig.fromMap(map);
    }

    @Test
    void oneClientPerRegistryConnection() {
        SchemaRegistryClient a = SchemaRegistryClients.shared(config("http://registry-a:8081"));
        // serializer options are not the connection's: same client
        assertThat(SchemaRegistryClients.shared(config("http://registry-a:8081/", RegistryConfig.AUTO_REGISTER_SCHEMAS,
                "false", RegistryConfig.USE_LATEST_VERSION, true))).isSameAs(a);
        assertThat(SchemaRegistryClients.shared(config("http://registry-b:8081"))).isNotSameAs(a);
        assertThat(SchemaRegistryClients.shared(config("http://registry-a:8081", RegistryConfig.RETRIES, 0)))
                .isNotSameAs(a);
        assertThat(SchemaRegistryClients.shared(config("http://registry-a:8081",
                RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO", RegistryConfig.USER_INFO, "u:p"))).isNotSameAs(a);
        assertThat(SchemaRegistryClients.create(config("http://registry-a:8081"))).isNotSameAs(a);
    }

    @Test
    void mockUrlsStillSelectTheScopedInMemoryRegistry() {
        try {
            assertThat(SchemaRegistryClients.shared(config("mock://clients-test")))
                    .isSameAs(MockSchemaRegistryClient.forScope("clients-test"));
        } finally {
            MockSchemaRegistryClient.dropScope("clients-test");
        }
    }

    @Test
    void serdesConfiguredFromTheSameSettingsShareTheClientAndItsCache() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.registerAndServe();
            Map<String, Object> configs = Map.of(RegistryConfig.URL, server.url());
            SpecificAvroSerde<TextEvent> first = new SpecificAvroSerde<>(TextEvent.class);
            first.configure(configs, false);
            SpecificAvroSerde<TextEvent> second = new SpecificAvroSerde<>(TextEvent.class);
            second.configure(configs, false);
            GenericAvroSerde reader = new GenericAvroSerde();
            reader.configure(configs, false);

            byte[] one = first.serializer().serialize("text", TestRecords.textEvent("a"));
            byte[] two = second.serializer().serialize("text", TestRecords.textEvent("b"));
            assertThat(reader.deserializer().deserialize("text", two).get("eventId").toString())
                    .isEqualTo(TestRecords.textEvent("b").getEventId());

            assertThat(WireFormat.unframe("text", false, two).schemaId())
                    .isEqualTo(WireFormat.unframe("text", false, one).schemaId());
            // one registration, and the reader found the writer schema in the same cache
            assertThat(server.requests()).extracting(FakeRegistryServer.Request::path)
                    .containsExactly("/subjects/text-value/versions");
        }
    }
}
