package dev.triage.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Collectors;

/** Finds and reads the moderation policy: the configured file, else the model bundle's {@value #BUNDLE_FILE}. */
public final class Policies {
    /** The policy a bundle may ship for its labels, used when {@code triage.policy.file} is not set. */
    public static final String BUNDLE_FILE = "policy.json";
    /** {@code triage.policy.file=none}: no policy, even where the bundle ships one. */
    public static final String NONE = "none";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Policies() {}

    /**
     * The policy for a model with {@code labels}: {@code configured} (a path) when set, none when it is
     * {@value #NONE}, else the bundle's {@value #BUNDLE_FILE} when it has one, else none (predictions then carry no
     * decision).
     *
     * @throws PolicyException a one-line cause: the file is missing or malformed, or names labels the model lacks
     */
    public static Optional<Policy> load(String configured, Path modelDirectory, Collection<String> labels) {
        Path file;
        if (NONE.equals(configured)) {
            return Optional.empty();
        }
        if (configured != null && !configured.isBlank()) {
            file = Path.of(configured);
        } else {
            file = modelDirectory.resolve(BUNDLE_FILE);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
        }
        Policy policy = read(file);
        policy.requireLabels(labels);
        return Optional.of(policy);
    }

    /** The policy in {@code file}, checked on its own (not yet against a model's labels). */
    public static Policy read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PolicyException("policy file " + file + " does not exist");
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + file + ": " + e.getMessage(), e);
        }
        PolicyFile parsed;
        try {
            parsed = MAPPER.readValue(bytes, PolicyFile.class);
        } catch (JsonProcessingException e) {
            throw refused(file, e);
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + file + ": " + e.getMessage(), e);
        }
        if (parsed == null) {
            throw new PolicyException("policy " + file + " refused: the file is empty");
        }
        return Policy.of(parsed, sha256(bytes), file.toString());
    }

    /**
     * Jackson's cause in one line: the field it was binding, or where the JSON broke. Not chained: its own message
     * runs over several lines, and this one says all of it that matters.
     */
    private static PolicyException refused(Path file, JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !(m.getCause() instanceof StreamReadException)) {
            String at = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : String.valueOf(r.getIndex())).collect(Collectors.joining("."));
            return new PolicyException("policy " + file + " refused: " + (at.isEmpty() ? "" : at + ": ")
                    + firstLine(m.getOriginalMessage()));
        }
        JsonProcessingException parse = e.getCause() instanceof StreamReadException r ? r : e;
        String line = parse.getLocation() == null ? "" : " (line " + parse.getLocation().getLineNr() + ")";
        return new PolicyException("policy " + file + " is not valid JSON: "
                + firstLine(parse.getOriginalMessage()).replaceAll(" \\(start marker at .*", "") + line);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
