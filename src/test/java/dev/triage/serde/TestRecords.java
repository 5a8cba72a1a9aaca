package dev.triage.serde;

import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/** Sample records and the evolved TextEvent schemas the serde tests use. */
final class TestRecords {
    private TestRecords() {}

    static TextEvent textEvent(String id) {
        return TextEvent.newBuilder()
                .setCorrelationId(id)
                .setEventId("e-" + id)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setSource("test")
                .setText("hello " + id)
                .setLanguage("en")
                .setExpectedModalities(List.of(Modality.TEXT, Modality.IMAGE))
                .setMetadata(Map.of("k", "v"))
                .build();
    }

    /**
     * TextEvent v2: v1 plus an optional {@code sentiment} (default null) and {@code priority} (int, default 3).
     */
    static Schema textEventV2() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : TextEvent.SCHEMA$.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("sentiment",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added in v2.", JsonProperties.NULL_VALUE));
        fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), "Added in v2.", 3));
        return Schema.createRecord(TextEvent.SCHEMA$.getName(), "TextEvent v2", TextEvent.SCHEMA$.getNamespace(),
                false, fields);
    }
}
