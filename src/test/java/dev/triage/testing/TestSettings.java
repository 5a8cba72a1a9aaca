package dev.triage.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of a Triage under test on an embedded broker and registry, named after its scenario: application id
 * {@code triage-NAME}, topics prefixed {@code NAME.}, instance id {@code NAME}, its own state directory. Mutable, for
 * the test's own settings on top.
 */
public final class TestSettings {
    private TestSettings() {}

    public static Map<String, Object> of(String bootstrapServers, String registryUrl, Path state, String name) {
        Map<String, Object> props = new HashMap<>();
        props.put("application.id", "triage-" + name);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("schema.registry.url", registryUrl);
        props.put("state.dir", state.toString());
        props.put("triage.topic.prefix", name + ".");
        props.put("triage.instance.id", name);
        return props;
    }
}
