package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Evidence for the README's "Join semantics": what chained windowed KStream outer joins, {@code (text ⟗ image) ⟗
 * audio}, do with the cases Triage must get right. These tests assert Kafka Streams' behaviour, not Triage's.
 */
class ChainedOuterJoinLimitsTest {
    private static final long T = 1_700_000_000_000L;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> text;
    private TestInputTopic<String, String> image;
    private TestInputTopic<String, String> audio;
    private TestOutputTopic<String, String> out;

    @BeforeEach
    void chainedOuterJoins() {
        StreamsBuilder b = new StreamsBuilder();
        Consumed<String, String> c = Consumed.with(Serdes.String(), Serdes.String());
        KStream<String, String> t = b.stream("text", c);
        KStream<String, String> i = b.stream("image", c);
        KStream<String, String> a = b.stream("audio", c);
        JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(1));
        StreamJoined<String, String, String> s = StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String());
        t.outerJoin(i, (x, y) -> x + "+" + y, w, s)
                .outerJoin(a, (xy, z) -> xy + "+" + z, w, s)
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put("application.id", "chained-join");
        props.put("bootstrap.servers", "dummy:9092");
        driver = new TopologyTestDriver(b.build(), props);
        StringSerializer ser = new StringSerializer();
        text = driver.createInputTopic("text", ser, ser);
        image = driver.createInputTopic("image", ser, ser);
        audio = driver.createInputTopic("audio", ser, ser);
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aTextAndAudioPostCannotBeEmittedBeforeTheFirstJoinsWindowCloses() {
        text.pipeInput("p1", "text", Instant.ofEpochMilli(T));
        audio.pipeInput("p1", "audio", Instant.ofEpochMilli(T + 10));
        // Both of the post's modalities are there, but nothing can come out: the text is waiting for an image.
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(out.readKeyValuesToList()).isEmpty();
    }

    @Test
    void aPartialPostOnAQuietPartitionIsNeverEmitted() {
        text.pipeInput("p1", "text", Instant.ofEpochMilli(T));
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(out.readKeyValuesToList()).isEmpty();
    }

    @Test
    void aDuplicateEventGivesTheSamePostTwoResults() {
        text.pipeInput("p1", "text", Instant.ofEpochMilli(T));
        image.pipeInput("p1", "image", Instant.ofEpochMilli(T + 10));
        audio.pipeInput("p1", "audio", Instant.ofEpochMilli(T + 20));
        audio.pipeInput("p1", "audio", Instant.ofEpochMilli(T + 30));
        List<KeyValue<String, String>> results = out.readKeyValuesToList();
        assertThat(results).extracting(kv -> kv.key).containsExactly("p1", "p1");
    }

    @Test
    void whatATextAndAudioPostFinallyBecomesOnceStreamTimeMovesOn() {
        text.pipeInput("p1", "text", Instant.ofEpochMilli(T));
        audio.pipeInput("p1", "audio", Instant.ofEpochMilli(T + 10));
        // A later post's audio happens to be read before its text: the second join's stream time moves first.
        audio.pipeInput("p2", "audio", Instant.ofEpochMilli(T + 60_000));
        text.pipeInput("p2", "text", Instant.ofEpochMilli(T + 60_000));
        image.pipeInput("p2", "image", Instant.ofEpochMilli(T + 60_000));
        List<String> p1 = out.readKeyValuesToList().stream().filter(kv -> kv.key.equals("p1"))
                .map(kv -> kv.value).toList();
        // The second join closed the audio's window before the first join's text-only partial reached it: p1 is
        // split in two partial results and the right one, "text+null+audio", never appears.
        assertThat(p1).containsExactlyInAnyOrder("null+audio", "text+null+null");
    }
}
