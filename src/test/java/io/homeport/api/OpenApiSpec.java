package io.homeport.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document as plain maps and lists (SnakeYAML), with what the tests need: its operations
 * as "METHOD /path" keys, local {@code $ref} resolution, and a small checker that a JSON value has
 * the members and types a schema of the document says it has.
 */
final class OpenApiSpec {
  static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  /** The problem types this API returns. */
  static final String PROBLEM_TYPES = "#/components/schemas/ProblemType";
  /** The problem types only the device channel returns (an extension: they are not part of this API). */
  static final String DEVICE_CHANNEL_PROBLEM_TYPES = "#/x-homeport-device-channel-problem-types";

  final String text;
  final Map<String, Object> root;

  private OpenApiSpec(String text, Map<String, Object> root) {
    this.text = text;
    this.root = root;
  }

  /** The document as packaged on the class path (what the server serves). */
  static OpenApiSpec load() {
    return parse(new String(OpenApiRoute.load(), StandardCharsets.UTF_8));
  }

  static OpenApiSpec parse(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root = new Yaml(options).load(text);
    if (!(root instanceof Map<?, ?>)) {
      throw new AssertionError("the document is not a YAML mapping");
    }
    return new OpenApiSpec(text, map(root, "the document"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new AssertionError(what + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o, String what) {
    if (!(o instanceof List<?>)) {
      throw new AssertionError(what + " is not a list: " + o);
    }
    return (List<Object>) o;
  }

  Map<String, Object> paths() {
    return map(root.get("paths"), "paths");
  }

  /** Every operation, keyed "GET /api/v1/devices/{id}", in document order. */
  Map<String, Map<String, Object>> operations() {
    Map<String, Map<String, Object>> ops = new LinkedHashMap<>();
    paths().forEach((path, item) -> map(item, path).forEach((key, op) -> {
      if (METHODS.contains(key)) {
        ops.put(key.toUpperCase(Locale.ROOT) + " " + path, map(op, key + " " + path));
      }
    }));
    return ops;
  }

  /** The target of a local reference such as {@code #/components/schemas/Device}; fails when it does not resolve. */
  Object resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new AssertionError("not a local reference: " + ref);
    }
    Object node = root;
    for (String raw : ref.substring(2).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(token)) {
        throw new AssertionError("$ref " + ref + " does not resolve (no '" + token + "')");
      }
      node = m.get(token);
    }
    return node;
  }

  /** Follows {@code $ref}s until a node without one. */
  Map<String, Object> deref(Object node, String what) {
    Map<String, Object> m = map(node, what);
    int hops = 0;
    while (m.containsKey("$ref")) {
      if (++hops > 20) {
        throw new AssertionError("$ref cycle at " + what);
      }
      String ref = (String) m.get("$ref");
      m = map(resolve(ref), ref);
    }
    return m;
  }

  /** Every {@code $ref} value in the document. */
  List<String> refs() {
    List<String> refs = new ArrayList<>();
    collectRefs(root, refs);
    return refs;
  }

  private static void collectRefs(Object node, List<String> out) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if ("$ref".equals(k)) {
          out.add(String.valueOf(v));
        } else {
          collectRefs(v, out);
        }
      });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectRefs(v, out));
    }
  }

  /**
   * The {@code const} values of the {@code oneOf} of the schema at this pointer (how {@link #PROBLEM_TYPES} and
   * {@link #DEVICE_CHANNEL_PROBLEM_TYPES} enumerate the problem types).
   */
  Set<String> constants(String pointer) {
    Set<String> values = new LinkedHashSet<>();
    Map<String, Object> schema = map(resolve(pointer), pointer);
    for (Object alternative : list(schema.get("oneOf"), pointer + "/oneOf")) {
      Object value = map(alternative, pointer).get("const");
      if (!(value instanceof String s) || !values.add(s)) {
        throw new AssertionError(pointer + " has a missing or repeated const: " + value);
      }
    }
    return values;
  }

  /**
   * Checks a JSON value (Vert.x JsonObject/JsonArray converted to maps and lists) against a schema of
   * this document: types (including {@code [string, "null"]}), required members, no undocumented
   * members unless {@code additionalProperties} allows them, {@code enum}/{@code const}, array items,
   * {@code allOf} (merged) and {@code $ref}. Returns the mismatches, empty when it conforms.
   */
  List<String> mismatches(Object value, Object schema, String at) {
    List<String> out = new ArrayList<>();
    check(value, schema, at, out);
    return out;
  }

  private void check(Object value, Object schemaNode, String at, List<String> out) {
    Map<String, Object> schema = deref(schemaNode, at);
    if (schema.containsKey("allOf")) {
      Map<String, Object> properties = new LinkedHashMap<>();
      Set<String> required = new TreeSet<>();
      for (Object part : list(schema.get("allOf"), at + ".allOf")) {
        Map<String, Object> p = deref(part, at);
        if (p.containsKey("properties")) {
          properties.putAll(map(p.get("properties"), at));
        }
        if (p.containsKey("required")) {
          list(p.get("required"), at).forEach(r -> required.add((String) r));
        }
      }
      Map<String, Object> merged = new LinkedHashMap<>();
      merged.put("type", "object");
      merged.put("properties", properties);
      merged.put("required", new ArrayList<>(required));
      check(value, merged, at, out);
      return;
    }
    Object type = schema.get("type");
    if (type != null) {
      List<String> types = type instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of((String) type);
      if (types.stream().noneMatch(t -> hasType(value, t))) {
        out.add(at + ": " + describe(value) + " is not of type " + types);
        return;
      }
    }
    if (schema.containsKey("const") && !schema.get("const").equals(value)) {
      out.add(at + ": " + value + " is not " + schema.get("const"));
    }
    if (schema.containsKey("enum") && value != null && !list(schema.get("enum"), at).contains(value)) {
      out.add(at + ": " + value + " is not one of " + schema.get("enum"));
    }
    if (value instanceof Map<?, ?> obj) {
      Map<String, Object> properties = schema.containsKey("properties")
          ? map(schema.get("properties"), at) : Map.of();
      for (Object r : schema.containsKey("required") ? list(schema.get("required"), at) : List.of()) {
        if (!obj.containsKey(r)) {
          out.add(at + ": required member '" + r + "' is missing");
        }
      }
      Object additional = schema.get("additionalProperties");
      obj.forEach((k, v) -> {
        String name = String.valueOf(k);
        if (properties.containsKey(name)) {
          check(v, properties.get(name), at + "." + name, out);
        } else if (additional instanceof Map<?, ?>) {
          check(v, additional, at + "." + name, out);
        } else if (!properties.isEmpty() || Boolean.FALSE.equals(additional)) {
          // a schema that lists its members documents all of them
          out.add(at + ": member '" + name + "' is not documented");
        }
      });
    }
    if (value instanceof List<?> arr && schema.containsKey("items")) {
      for (int i = 0; i < arr.size(); i++) {
        check(arr.get(i), schema.get("items"), at + "[" + i + "]", out);
      }
    }
  }

  private static boolean hasType(Object value, String type) {
    return switch (type) {
      case "null" -> value == null;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "integer" -> value instanceof Integer || value instanceof Long
          || (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()));
      case "number" -> value instanceof Number;
      case "object" -> value instanceof Map<?, ?>;
      case "array" -> value instanceof List<?>;
      default -> throw new AssertionError("unknown JSON Schema type " + type);
    };
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
  }
}
