package dev.triage.fuse;

/**
 * The embeddings of one post, one per modality; {@code null} for a modality the post does not have (it becomes a
 * zero embedding with mask 0).
 */
public record PostEmbeddings(float[] text, float[] image, float[] audio) {}
