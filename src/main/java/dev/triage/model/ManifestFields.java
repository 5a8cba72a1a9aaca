package dev.triage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a parsed model.json against the fields of {@link ModelManifest}'s records before Jackson binds it, so a
 * manifest's every missing, mistyped or unknown field is reported at once, each as {@code section.field: problem}
 * (Jackson stops at the first, without the section). A component whose accessor is annotated
 * {@code @JsonInclude(NON_NULL)} may be left out.
 */
final class ManifestFields {

    private ManifestFields() {}

    /** Every structural problem of {@code root}; empty when it binds to a {@link ModelManifest}. */
    static List<String> problems(JsonNode root) {
        List<String> problems = new ArrayList<>();
        check(ModelManifest.class, root, "", problems);
        return problems;
    }

    private static void check(Class<?> record, JsonNode node, String path, List<String> problems) {
        if (!node.isObject()) {
            problems.add((path.isEmpty() ? "model.json" : path) + ": expected an object, got " + kind(node));
            return;
        }
        RecordComponent[] components = record.getRecordComponents();
        Set<String> known = Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toSet());
        for (RecordComponent component : components) {
            String field = path.isEmpty() ? component.getName() : path + "." + component.getName();
            JsonNode value = node.get(component.getName());
            if (value == null || value.isNull()) {
                if (!optional(component)) {
                    problems.add(field + ": missing");
                }
            } else {
                checkValue(component.getType(), component.getGenericType(), value, field, problems);
            }
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add((path.isEmpty() ? name : path + "." + name) + ": unknown field (known: "
                        + Arrays.stream(components).map(RecordComponent::getName).toList() + ")");
            }
        }
    }

    /** A field that may be left out is one that is left out when null. */
    private static boolean optional(RecordComponent component) {
        JsonInclude include = component.getAccessor().getAnnotation(JsonInclude.class);
        return include != null && include.value() == JsonInclude.Include.NON_NULL;
    }

    private static void checkValue(Class<?> type, Type generic, JsonNode value, String field, List<String> problems) {
        if (type == int.class) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                problems.add(field + ": expected an integer, got " + kind(value));
            }
        } else if (type == String.class || type == Double.class) {
            boolean ok = type == String.class ? value.isTextual() : value.isNumber();
            if (!ok) {
                problems.add(field + ": expected " + (type == String.class ? "a string" : "a number")
                        + ", got " + kind(value));
            }
        } else if (type == List.class) {
            if (!value.isArray()) {
                problems.add(field + ": expected an array, got " + kind(value));
                return;
            }
            Class<?> element = (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[0];
            for (int i = 0; i < value.size(); i++) {
                if (value.get(i).isNull()) {
                    problems.add(field + "[" + i + "]: null");
                } else {
                    checkValue(element, element, value.get(i), field + "[" + i + "]", problems);
                }
            }
        } else if (type.isRecord()) {
            check(type, value, field, problems);
        } else {
            throw new IllegalStateException("ModelManifest field " + field + " has an unchecked type " + type);
        }
    }

    private static String kind(JsonNode value) {
        String text = value.toString();
        return value.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
