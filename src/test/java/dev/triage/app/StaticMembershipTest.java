package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedKafkaExtension.class)
class StaticMembershipTest {

    @Test
    void anExplicitInstanceIdBecomesTheGroupInstanceId() {
        Properties props = new Properties();
        StaticMembership.apply(TriageConfig.of(Map.of("triage.instance.id", "triage-a")), props);
        assertThat(props.getProperty("group.instance.id")).isEqualTo("triage-a");
    }

    @Test
    void theHostNameDefaultDoesNotMakeAStaticMember() {
        Properties props = new Properties();
        StaticMembership.apply(TriageConfig.of(Map.of()), props);
        assertThat(props).doesNotContainKey("group.instance.id");
        StaticMembership.apply(TriageConfig.of(Map.of("triage.instance.id", "  ")), props);
        assertThat(props).doesNotContainKey("group.instance.id");
    }

    @Test
    void aGroupInstanceIdTheUserSetWins() {
        for (String key : List.of("group.instance.id", "consumer.group.instance.id",
                "main.consumer.group.instance.id")) {
            Properties props = new Properties();
            props.put(key, "theirs");
            StaticMembership.apply(TriageConfig.of(Map.of("triage.instance.id", "triage-a")), props);
            assertThat(props.getProperty(key)).isEqualTo("theirs");
            assertThat(props.size()).isOne();
        }
    }

    @Test
    void thePredecessorsTransactionalIdsComeFromItsStreamThreadsClientIds() {
        String process = UUID.randomUUID().toString();
        List<MemberDescription> members = List.of(
                member("a-1", "triage-" + process + "-StreamThread-1-consumer"),
                member("a-2", "triage-" + process + "-StreamThread-2-consumer"),
                member("ab-1", "triage-" + UUID.randomUUID() + "-StreamThread-1-consumer"), // another instance
                member("a-3", "custom-client-StreamThread-3-consumer"), // client.id set: unknown process id
                member(null, "triage-" + UUID.randomUUID() + "-StreamThread-1-consumer")); // a dynamic member
        assertThat(StaticMembership.predecessorTransactionalIds(members, "triage", "a"))
                .containsExactly("triage-" + process + "-1", "triage-" + process + "-2");
    }

    /**
     * A static member that died without leaving, with a transaction open: the next start with its instance id fences
     * the producer, so the transaction is aborted now rather than after transaction.timeout.ms.
     */
    @Test
    void aDeadPredecessorsOpenTransactionIsAbortedAtStart(EmbeddedKafkaBroker broker) throws Exception {
        String app = "fence-" + UUID.randomUUID().toString().substring(0, 8);
        String process = UUID.randomUUID().toString();
        String transactionalId = app + "-" + process + "-1";
        broker.createTopic(app + "-in", 1, Map.of());
        broker.createTopic(app + "-out", 1, Map.of());

        // The predecessor: a static member of the group, and a producer in the middle of a transaction.
        Map<String, Object> c = new HashMap<>(broker.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "x-1");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, app + "-" + process + "-StreamThread-1-consumer");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(app + "-in"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(app + "-out", "k", "v")).get(30, TimeUnit.SECONDS);
        // "kill -9": the consumer goes without leaving (a static member stays until session.timeout.ms).
        consumer.close(Duration.ZERO);
        try (Admin admin = broker.createAdmin()) {
            assertThat(admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(30, TimeUnit.SECONDS).state()).isEqualTo(TransactionState.ONGOING);

            Properties streams = new Properties();
            streams.put("bootstrap.servers", broker.bootstrapServers());
            streams.put("application.id", app);
            streams.put("processing.guarantee", "exactly_once_v2");
            streams.put("group.instance.id", "x");
            assertThat(StaticMembership.fenceDeadPredecessor(streams)).containsExactly(transactionalId);

            assertThat(admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(30, TimeUnit.SECONDS).state()).isIn(TransactionState.EMPTY, TransactionState.COMPLETE_ABORT);
            // Nothing holds read_committed readers back any more: the last stable offset is the end of the log.
            TopicPartition out = new TopicPartition(app + "-out", 0);
            assertThat(latest(admin, out, IsolationLevel.READ_COMMITTED))
                    .isEqualTo(latest(admin, out, IsolationLevel.READ_UNCOMMITTED)).isPositive();
        }
        assertThatThrownBy(producer::commitTransaction)
                .isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);
        producer.close(Duration.ZERO);
    }

    /**
     * The second crash: a process that took a dead member's place was killed too. The group still names the first
     * process (the broker keeps a static member's first client id), so the dead one is found through the note it left
     * in the state directory, and its open transaction is aborted at start.
     */
    @Test
    void aPredecessorThatWasItselfARestartIsFencedThroughItsNote(EmbeddedKafkaBroker broker, @TempDir Path state)
            throws Exception {
        String app = "refence-" + UUID.randomUUID().toString().substring(0, 8);
        String first = app + "-" + UUID.randomUUID() + "-StreamThread-1-consumer";
        String second = app + "-" + UUID.randomUUID() + "-StreamThread-1-consumer";
        broker.createTopic(app + "-in", 1, Map.of());
        broker.createTopic(app + "-out", 1, Map.of());
        joinAndDie(broker, app, "z-1", first);
        joinAndDie(broker, app, "z-1", second);

        Properties streams = new Properties();
        streams.put("bootstrap.servers", broker.bootstrapServers());
        streams.put("application.id", app);
        streams.put("processing.guarantee", "exactly_once_v2");
        streams.put("group.instance.id", "z");
        streams.put("state.dir", state.toString());
        String transactionalId = second.replace("-StreamThread-1-consumer", "-1");
        StaticMembership.recordProducers(streams, List.of(second)); // what the second process did at its start
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (Admin admin = broker.createAdmin();
             KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                     new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(app + "-out", "k", "v")).get(30, TimeUnit.SECONDS);
            MemberDescription member = admin.describeConsumerGroups(List.of(app)).describedGroups().get(app)
                    .get(30, TimeUnit.SECONDS).members().iterator().next();
            assertThat(member.clientId()).as("the broker keeps the client id the static member first joined with")
                    .isEqualTo(first);

            assertThat(StaticMembership.fenceDeadPredecessor(streams)).containsExactly(transactionalId);
            assertThat(admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(30, TimeUnit.SECONDS).state()).isIn(TransactionState.EMPTY, TransactionState.COMPLETE_ABORT);
        }
    }

    /** A static member joins with this client id and goes without leaving, as a process killed with kill -9 does. */
    private static void joinAndDie(EmbeddedKafkaBroker broker, String group, String instanceId, String clientId) {
        Map<String, Object> c = new HashMap<>(broker.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(group + "-in"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(consumer.assignment()).as(clientId + " joined").isNotEmpty();
        consumer.close(Duration.ZERO);
    }

    @Test
    void nothingIsFencedWithoutStaticMembershipOrExactlyOnce(EmbeddedKafkaBroker broker) {
        Properties dynamic = new Properties();
        dynamic.put("bootstrap.servers", broker.bootstrapServers());
        dynamic.put("application.id", "no-fence");
        dynamic.put("processing.guarantee", "exactly_once_v2");
        assertThat(StaticMembership.fenceDeadPredecessor(dynamic)).isEmpty();
        Properties atLeastOnce = new Properties();
        atLeastOnce.putAll(dynamic);
        atLeastOnce.put("group.instance.id", "x");
        atLeastOnce.put("processing.guarantee", "at_least_once");
        assertThat(StaticMembership.fenceDeadPredecessor(atLeastOnce)).isEmpty();
        // A first start: the group does not exist yet.
        Properties first = new Properties();
        first.putAll(dynamic);
        first.put("group.instance.id", "x");
        assertThat(StaticMembership.fenceDeadPredecessor(first)).isEmpty();
    }

    private static long latest(Admin admin, TopicPartition tp, IsolationLevel isolation) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset();
    }

    private static MemberDescription member(String instanceId, String clientId) {
        return new MemberDescription("m-" + UUID.randomUUID(), Optional.ofNullable(instanceId), clientId,
                "/127.0.0.1", new MemberAssignment(java.util.Set.of()));
    }
}
