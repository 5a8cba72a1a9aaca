package dev.triage.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bundle's identity by content: SHA-256 over its manifest, its four module files and its tokenizer.json if it has
 * one, in that order, each prefixed by its length. Two bundles with the same hash score every post the same; the name and version are what the author
 * says, the hash what was run.
 */
final class BundleHash {
    private BundleHash() {}

    /** {@code sha256:} and 64 hex digits. */
    static String of(Path... files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                sha.update(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(Files.size(file)).array());
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " to hash the bundle", e);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
