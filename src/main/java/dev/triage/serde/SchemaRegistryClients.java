package dev.triage.serde;

/** Picks the client for a config: the shared in-memory one for {@code mock://<scope>}, else the REST client. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {}

    public static SchemaRegistryClient create(RegistryConfig config) {
        return config.isMock()
                ? MockSchemaRegistryClient.forScope(config.mockScope())
                : new RestSchemaRegistryClient(config);
    }
}
