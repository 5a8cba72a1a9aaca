package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.avro.TextEvent;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serdes in a Kafka Streams topology with a {@code mock://} registry: no broker, no registry server. */
class MockRegistryTopologyTest {
    private static final String SCOPE = "topology-test";

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    private static SpecificAvroSerde<TextEvent> serde() {
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.class);
        serde.configure(Map.of(RegistryConfig.URL, "mock://" + SCOPE), false);
        return serde;
    }

    private static TopologyTestDriver driver() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("text", Consumed.with(Serdes.String(), serde()))
                .mapValues(e -> e == null ? null : TextEvent.newBuilder(e).setText(e.getText().toUpperCase()).build())
                .to("shouted", Produced.with(Serdes.String(), serde()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(builder.build(), props);
    }

    @Test
    void recordsFlowThroughInTheWireFormat() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, TextEvent> in = driver.createInputTopic("text", new StringSerializer(),
                    serde().serializer());
            TestOutputTopic<String, TextEvent> out = driver.createOutputTopic("shouted", new StringDeserializer(),
                    serde().deserializer());

            in.pipeInput("p-1", TestRecords.textEvent("p-1"));
            in.pipeInput("p-2", null);

            assertThat(out.readValue().getText()).isEqualTo("HELLO P-1");
            assertThat(out.readKeyValue().value).isNull();
            assertThat(MockSchemaRegistryClient.forScope(SCOPE).getAllSubjects())
                    .containsExactly("shouted-value", "text-value");
        }
    }

    @Test
    void badBytesReachTheStreamsErrorPathAsTypedExceptions() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("text", new StringSerializer(),
                    new ByteArraySerializer());

            Throwable thrown = catchThrowable(() -> raw.pipeInput("p-3", "not avro".getBytes()));

            assertThat(thrown).hasCauseInstanceOf(AvroSerdeException.class);
            AvroSerdeException cause = (AvroSerdeException) thrown.getCause();
            assertThat(cause.reason()).isEqualTo(AvroSerdeException.Reason.WRONG_MAGIC_BYTE);
            assertThat(cause.topic()).isEqualTo("text");
        }
    }
}
