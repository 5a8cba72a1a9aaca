package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What reaches the changelog at a commit (the driver commits after each input record): the entries still present,
 * a tombstone only for an entry an earlier commit wrote, nothing for one that came and went in between; and reads
 * see the writes held since.
 */
class CommitBufferedStoreTest {
    private static final String STORE = "held";

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> commands;
    private TestOutputTopic<String, String> changelog;
    private TestOutputTopic<String, String> reads;

    /** Runs each record's commands: {@code put k v}, {@code del k}, {@code get k}, {@code all}, {@code range a b}. */
    private static final class Commands implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            for (String command : record.value().split(";")) {
                String[] w = command.trim().split(" ");
                switch (w[0]) {
                    case "put" -> store.put(w[1], w[2]);
                    case "del" -> context.forward(record.withKey("del " + w[1]).withValue(String.valueOf(
                            store.delete(w[1]))));
                    case "get" -> context.forward(record.withKey("get " + w[1]).withValue(String.valueOf(
                            store.get(w[1]))));
                    case "all" -> context.forward(record.withKey("all").withValue(entries(store.all())));
                    case "range" -> context.forward(record.withKey("range").withValue(entries(store.range(w[1], w[2]))));
                    case "count" -> context.forward(record.withKey("count").withValue(Long.toString(
                            store.approximateNumEntries())));
                    default -> throw new IllegalArgumentException(command);
                }
            }
        }

        private static String entries(KeyValueIterator<String, String> it) {
            List<String> out = new ArrayList<>();
            try (it) {
                it.forEachRemaining(kv -> out.add(kv.key + "=" + kv.value));
            }
            return String.join(",", out);
        }
    }

    @BeforeEach
    void start() {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "commands");
        topology.addProcessor("commands", Commands::new, "in");
        topology.addStateStore(new CommitBufferedStoreBuilder<>(STORE, Serdes.String(), Serdes.String()), "commands");
        topology.addSink("out", "reads", new StringSerializer(), new StringSerializer(), "commands");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        commands = driver.createInputTopic("commands", new StringSerializer(), new StringSerializer());
        changelog = driver.createOutputTopic("app-" + STORE + "-changelog", new StringDeserializer(),
                new StringDeserializer());
        reads = driver.createOutputTopic("reads", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private List<KeyValue<String, String>> run(String record) {
        commands.pipeInput("k", record);
        return changelog.readKeyValuesToList();
    }

    @Test
    void aCommitWritesWhatIsStillThereAndTombstonesOnlyWhatAnEarlierCommitWrote() {
        assertThat(run("put a 1")).containsExactly(KeyValue.pair("a", "1"));
        assertThat(run("put b 2; del b")).as("came and went between two commits").isEmpty();
        assertThat(run("put c 3; put c 4")).as("the last value only").containsExactly(KeyValue.pair("c", "4"));
        assertThat(run("put a 5; del a")).as("committed before: its tombstone")
                .containsExactly(KeyValue.pair("a", null));
        assertThat(run("del zz")).as("never there").isEmpty();
        assertThat(run("put b 6")).containsExactly(KeyValue.pair("b", "6"));
    }

    @Test
    void readsSeeTheHeldWritesOverTheCommittedOnes() {
        run("put a 1; put b 2; put c 3");
        List<KeyValue<String, String>> written =
                run("put b 20; del c; put d 4; get b; get c; get a; del a; get a; count; all; range b c");
        assertThat(reads.readKeyValuesToList()).containsExactly(
                KeyValue.pair("del c", "3"),
                KeyValue.pair("get b", "20"),
                KeyValue.pair("get c", "null"),
                KeyValue.pair("get a", "1"),
                KeyValue.pair("del a", "1"),
                KeyValue.pair("get a", "null"),
                KeyValue.pair("count", "2"),
                KeyValue.pair("all", "b=20,d=4"),
                KeyValue.pair("range", "b=20"));
        assertThat(written).containsExactlyInAnyOrder(
                KeyValue.pair("a", null), KeyValue.pair("b", "20"), KeyValue.pair("c", null), KeyValue.pair("d", "4"));
    }
}
