package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.ops.LogContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class WithLogContextTest {
    private final List<Map<String, String>> seen = new ArrayList<>();

    private final Processor<String, String, String, String> recorder = new Processor<>() {
        @Override
        public void process(Record<String, String> record) {
            Map<String, String> mdc = new HashMap<>();
            for (String key : List.of(LogContext.CORRELATION_ID, LogContext.TOPIC, LogContext.PARTITION,
                    LogContext.OFFSET)) {
                if (MDC.get(key) != null) {
                    mdc.put(key, MDC.get(key));
                }
            }
            seen.add(mdc);
        }
    };

    @Test
    void theRecordBeingProcessedIsInTheMdcAndOnlyWhileItIs() {
        Processor<String, String, String, String> wrapped = WithLogContext.wrap(() -> recorder).get();
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        wrapped.init(context);

        context.setRecordMetadata("posts.text", 1, 17);
        wrapped.process(new Record<>("p1", "v", 0L));
        context.setRecordMetadata(null, -1, -1);
        wrapped.process(new Record<>("p2", "v", 0L));

        assertThat(seen).containsExactly(
                Map.of(LogContext.CORRELATION_ID, "p1", LogContext.TOPIC, "posts.text", LogContext.PARTITION, "1",
                        LogContext.OFFSET, "17"),
                Map.of(LogContext.CORRELATION_ID, "p2"));
        assertThat(MDC.get(LogContext.CORRELATION_ID)).isNull();
        assertThat(MDC.get(LogContext.TOPIC)).isNull();
    }
}
